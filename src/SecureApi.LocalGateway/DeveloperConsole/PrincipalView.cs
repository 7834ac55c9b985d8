using System.Text.Json;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.LocalGateway.DeveloperConsole;

/// <summary>
/// The console's principal page as JSON, read from the store when asked: roles, permissions, disabled, the plan in
/// force, the keys (id, kind, status, dates — never a secret or its hash), the current rate window and quota period
/// from the rate-limit counters, and the requests the stage let through in each hour of today.
/// </summary>
internal static class PrincipalView
{
    public static async Task WriteAsync(Utf8JsonWriter json, string principalId, IServiceProvider services, DecisionRecorder recorder, CancellationToken ct)
    {
        var store = services.GetService<IAuthorizationStore>() is { } configured ? CachingAuthorizationStore.Uncached(configured) : null;
        var principal = store is null ? null : await store.GetPrincipalAsync(principalId, ct);
        var keys = store is null ? [] : await store.ListCredentialsAsync(principalId, ct);

        json.WriteStartObject();
        json.WriteString("principalId", principalId);
        json.WriteBoolean("stored", principal is not null);
        WriteStrings(json, "roles", principal?.Roles);
        WriteStrings(json, "permissions", principal?.Permissions);
        json.WriteBoolean("disabled", principal?.Disabled ?? false);

        json.WriteStartArray("keys");
        foreach (var key in keys)
        {
            json.WriteStartObject();
            json.WriteString("keyId", key.KeyId);
            json.WriteString("kind", key.Kind);
            json.WriteString("status", key.Status == CredentialStatus.Active ? "active" : "revoked");
            json.WriteString("createdAt", key.CreatedAt);
            if (key.ExpiresAt is { } expires) json.WriteString("expiresAt", expires);
            if (key.RevokedAt is { } revoked) json.WriteString("revokedAt", revoked);
            json.WriteString("description", key.Description);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        if (services.GetService<IPrincipalPlans>() is { } plans && services.GetService<IRateLimitCounterStore>() is { } counters)
        {
            var plan = plans.OverallFor(principal);
            var usage = await counters.GetUsageAsync(RateLimitPartitions.Principal(principalId), plan, ct);
            json.WriteStartObject("plan");
            json.WriteNumber("ratePerSecond", plan.RatePerSecond);
            json.WriteNumber("burst", plan.Burst);
            json.WriteNumber("quota", plan.Quota);
            json.WriteString("period", RatePlan.PeriodText(plan.Period));
            json.WriteBoolean("own", principal?.Plan is { IsEmpty: false });
            json.WriteEndObject();
            json.WriteStartObject("usage");
            json.WriteNumber("windowUsed", usage.WindowUsed);
            json.WriteNumber("windowRemaining", usage.WindowRemaining);
            json.WriteString("windowResetsAt", usage.WindowResetsAt);
            json.WriteNumber("quotaUsed", usage.QuotaUsed);
            json.WriteNumber("quotaRemaining", usage.QuotaRemaining);
            json.WriteString("quotaResetsAt", usage.QuotaResetsAt);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("plan");
            json.WriteNull("usage");
        }

        json.WriteStartArray("hoursToday");
        foreach (var count in recorder.HoursToday(principalId)) json.WriteNumberValue(count);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string>? values)
    {
        json.WriteStartArray(name);
        foreach (var value in values ?? []) json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
