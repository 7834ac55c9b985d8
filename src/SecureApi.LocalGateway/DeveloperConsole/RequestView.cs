using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.LocalGateway.DeveloperConsole;

/// <summary>
/// Writes a recorded request as the console's JSON, when the console asks (never on the request path). Credentials
/// never leave as they are: an identity source value is shown by its last four characters (only when it is long
/// enough that four characters give nothing away), and the cache key only as a SHA-256 prefix.
/// </summary>
internal static class RequestView
{
    private const int MinLengthForLastFour = 12;

    public static void Write(Utf8JsonWriter json, RecordedRequest request, DateTimeOffset now)
    {
        var outcome = request.Outcome;
        json.WriteStartObject();
        json.WriteNumber("seq", request.Sequence);
        json.WriteString("at", request.At);
        json.WriteString("method", request.Method);
        json.WriteString("path", request.Path);
        json.WriteNumber("status", request.Status);
        json.WriteString("resource", outcome.Route?.Resource);
        json.WriteString("authorizer", outcome.Route?.Authorizer?.Name);
        json.WriteString("decision", outcome.IsAllowed ? "allow" : "deny");
        json.WriteString("reason", outcome.Reason);
        json.WriteString("principalId", outcome.Policy?.PrincipalID);
        WriteCache(json, outcome, now);
        WriteCredentials(json, outcome);
        WritePolicy(json, outcome.Policy?.PolicyDocument);
        WriteContext(json, outcome.Authorizer);
        if (request.RateLimit is null && request.RateLimitPolicy is null) json.WriteNull("rateLimit");
        else
        {
            json.WriteStartObject("rateLimit");
            json.WriteString("state", request.RateLimit);
            json.WriteString("policy", request.RateLimitPolicy);
            json.WriteEndObject();
        }
        json.WriteString("stepUp", request.Challenge);
        json.WriteEndObject();
    }

    private static void WriteCache(Utf8JsonWriter json, GatewayOutcome outcome, DateTimeOffset now)
    {
        if (outcome.IdentitySources is not { } sources || outcome.Route?.Authorizer is not { CachingEnabled: true })
        {
            json.WriteNull("cache");
            return;
        }
        json.WriteStartObject("cache");
        json.WriteBoolean("hit", outcome.CachedAt is not null);
        json.WriteString("keyHash", KeyHash(string.Join('\n', sources)));
        if (outcome.CachedAt is { } cachedAt) json.WriteNumber("ageSeconds", Math.Round((now - cachedAt).TotalSeconds, 1));
        json.WriteEndObject();
    }

    private static void WriteCredentials(Utf8JsonWriter json, GatewayOutcome outcome)
    {
        json.WriteStartArray("credentials");
        if (outcome.IdentitySources is { } sources && outcome.Route?.Authorizer is { } authorizer)
        {
            for (var i = 0; i < sources.Length && i < authorizer.IdentitySources.Count; i++)
                json.WriteStringValue($"{authorizer.IdentitySources[i].Name}: {Masked(sources[i])}");
        }
        json.WriteEndArray();
    }

    private static void WritePolicy(Utf8JsonWriter json, APIGatewayCustomAuthorizerPolicy? policy)
    {
        json.WriteStartArray("policy");
        foreach (var statement in policy?.Statement ?? [])
        {
            json.WriteStartObject();
            json.WriteString("effect", statement.Effect);
            WriteStrings(json, "action", statement.Action);
            WriteStrings(json, "resource", statement.Resource);
            if (statement.NotResource is not null) WriteStrings(json, "notResource", statement.NotResource);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteContext(Utf8JsonWriter json, APIGatewayCustomAuthorizerContext? context)
    {
        if (context is null)
        {
            json.WriteNull("context");
            return;
        }
        json.WriteStartObject("context");
        foreach (var (key, value) in context.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            APIGatewayCustomAuthorizerContext.TryStringify(value, out var text);
            json.WriteString(key, text);
        }
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string>? values)
    {
        json.WriteStartArray(name);
        foreach (var value in values ?? []) json.WriteStringValue(value);
        json.WriteEndArray();
    }

    /// <summary>"…" and the last four characters; a short value only by its length.</summary>
    public static string Masked(string? value) => value switch
    {
        null or "" => "(missing)",
        { Length: < MinLengthForLastFour } => $"({value.Length.ToString(CultureInfo.InvariantCulture)} characters)",
        _ => "…" + value[^4..],
    };

    /// <summary>The first 12 hex digits of the SHA-256 of the cache key: enough to tell two entries apart.</summary>
    public static string KeyHash(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];
}
