using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Endpoints;

namespace SecureApi.RateLimiting;

/// <summary>"plan" of PUT /protected/admin/principals/{principalId}: every field optional (absent = the default plan's).</summary>
public sealed record PlanBody(int? RatePerSecond, int? Burst, long? Quota, string? QuotaPeriod);

/// <summary>GET /protected/admin/principals/{principalId}/usage.</summary>
public sealed record UsageResponse(string PrincipalId, PlanView Plan, UsageCounts Rate, UsageCounts Quota);

/// <summary>The plan in force (the principal's fields over the default plan).</summary>
public sealed record PlanView(int RatePerSecond, int Burst, long Quota, string QuotaPeriod);

/// <summary>One window's limit, count, what remains and when it resets.</summary>
public sealed record UsageCounts(long Limit, long Used, long Remaining, DateTimeOffset ResetsAt);

/// <summary>Plan fields in and out of the admin API.</summary>
public static class PlanBodies
{
    /// <summary>
    /// Checks "plan" (400 naming plan.ratePerSecond, plan.burst, plan.quota or plan.quotaPeriod) and the plan it
    /// makes over <paramref name="defaults"/>; null when absent or empty (the principal follows the default plan).
    /// </summary>
    public static RatePlanOverride? Plan(this AdminValidation input, PlanBody? body, RatePlan defaults)
    {
        if (body is null) return null;
        QuotaPeriod? period = null;
        if (body.QuotaPeriod is not null && (period = RatePlan.ParsePeriod(body.QuotaPeriod)) is null)
            input.Add("plan.quotaPeriod", "plan.quotaPeriod must be 'day' or 'month'.");
        var own = new RatePlanOverride(body.RatePerSecond, body.Burst, body.Quota, period);
        foreach (var (field, message) in own.Over(defaults).Problems("plan."))
            if (field != "plan.quotaPeriod") input.Add(field, message);
        return own.IsEmpty ? null : own;
    }

    public static PlanBody? ToBody(RatePlanOverride? plan) =>
        plan is null ? null : new PlanBody(plan.RatePerSecond, plan.Burst, plan.Quota, plan.Period is { } p ? RatePlan.PeriodText(p) : null);

    public static PlanView ToView(RatePlan plan) => new(plan.RatePerSecond, plan.Burst, plan.Quota, RatePlan.PeriodText(plan.Period));
}
