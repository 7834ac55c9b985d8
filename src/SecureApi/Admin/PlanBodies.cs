using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.RateLimiting;

namespace SecureApi.Admin;

/// <summary>
/// "plan" of PUT /protected/admin/principals/{principalId}: every field optional (absent = the default plan's).
/// Routes present (even empty) replaces the default plan's route limits.
/// </summary>
public sealed record PlanBody(int? RatePerSecond, int? Burst, long? Quota, string? QuotaPeriod, IReadOnlyList<RouteLimitBody?>? Routes = null);

/// <summary>A lower limit for one route (verb + route pattern, as in the route table); absent fields = the plan's.</summary>
public sealed record RouteLimitBody(string? Verb, string? Path, int? RatePerSecond = null, int? Burst = null, long? Quota = null);

/// <summary>GET /protected/admin/principals/{principalId}/usage.</summary>
public sealed record UsageResponse(string PrincipalId, PlanView Plan, UsageCounts Rate, UsageCounts Quota, IReadOnlyList<RouteUsage> Routes);

/// <summary>The plan in force (the principal's fields over the default plan), route limits resolved.</summary>
public sealed record PlanView(int RatePerSecond, int Burst, long Quota, string QuotaPeriod, IReadOnlyList<RouteLimitView> Routes);

public sealed record RouteLimitView(string Verb, string Path, int RatePerSecond, int Burst, long Quota);

/// <summary>One route limit's counts (its own counters, next to the plan's).</summary>
public sealed record RouteUsage(string Verb, string Path, UsageCounts Rate, UsageCounts Quota);

/// <summary>One window's limit, count, what remains and when it resets.</summary>
public sealed record UsageCounts(long Limit, long Used, long Remaining, DateTimeOffset ResetsAt);

/// <summary>Plan fields in and out of the admin API.</summary>
public static class PlanBodies
{
    /// <summary>
    /// Checks "plan" (400 naming plan.ratePerSecond, plan.burst, plan.quota, plan.quotaPeriod or
    /// plan.routes[i].field) and the plan it makes over <paramref name="defaults"/>; null when absent or empty (the
    /// principal follows the default plan). <paramref name="limited"/>: the routes a route limit may name.
    /// </summary>
    public static RatePlanOverride? Plan(this AdminValidation input, PlanBody? body, EffectivePlan defaults, IReadOnlyList<(string Verb, string Path)> limited)
    {
        if (body is null) return null;
        QuotaPeriod? period = null;
        if (body.QuotaPeriod is not null && (period = RatePlan.ParsePeriod(body.QuotaPeriod)) is null)
            input.Add("plan.quotaPeriod", "plan.quotaPeriod must be 'day' or 'month'.");
        var own = new RatePlanOverride(body.RatePerSecond, body.Burst, body.Quota, period);
        var overall = own.Over(defaults.Overall);
        var overallProblems = overall.Problems("plan.");
        foreach (var (field, message) in overallProblems)
            if (field != "plan.quotaPeriod") input.Add(field, message);
        if (body.Routes is { } routes)
        {
            var checkedRoutes = RouteLimitRules.Check(
                [.. routes.Select(r => r is null ? null : new RouteLimit(r.Verb ?? "", r.Path ?? "", r.RatePerSecond, r.Burst, r.Quota))],
                overallProblems.Count == 0 ? overall : null, limited, "plan.routes",
                (i, member) => member is null ? $"plan.routes[{i}]" : $"plan.routes[{i}].{member}", input.Add);
            own = own with { Routes = checkedRoutes };
        }
        return own.IsEmpty ? null : own;
    }

    public static PlanBody? ToBody(RatePlanOverride? plan) =>
        plan is null ? null : new PlanBody(plan.RatePerSecond, plan.Burst, plan.Quota, plan.Period is { } p ? RatePlan.PeriodText(p) : null,
            plan.Routes?.Select(r => (RouteLimitBody?)new RouteLimitBody(r.Verb, r.Path, r.RatePerSecond, r.Burst, r.Quota)).ToList());

    public static PlanView ToView(EffectivePlan plan) =>
        new(plan.Overall.RatePerSecond, plan.Overall.Burst, plan.Overall.Quota, RatePlan.PeriodText(plan.Overall.Period),
            [.. plan.Routes.Select(r => View(r, r.Over(plan.Overall)))]);

    private static RouteLimitView View(RouteLimit route, RatePlan own) => new(route.Verb, route.Path, own.RatePerSecond, own.Burst, own.Quota);
}
