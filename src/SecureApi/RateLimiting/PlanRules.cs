using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.RateLimiting;

/// <summary>
/// Plan policy, the API's side of the rate limits (the store keeps what is stored, the counters and the windows):
/// which numbers make a valid plan or route limit, and how a principal's own fields and a route's lower limit
/// resolve over the plan they sit in. See docs/rate-limits.md.
/// </summary>
public static class PlanRules
{
    /// <summary>Every rule a plan must meet, as messages naming the field under <paramref name="prefix"/>; empty when valid.</summary>
    public static IReadOnlyList<(string Field, string Message)> Problems(this RatePlan plan, string prefix)
    {
        var problems = new List<(string, string)>();
        if (plan.RatePerSecond is < 1 or > RatePlan.MaxRatePerSecond)
            problems.Add((prefix + "ratePerSecond", $"{prefix}ratePerSecond must be 1-{RatePlan.MaxRatePerSecond}."));
        if (plan.Burst is < 1 or > RatePlan.MaxBurst)
            problems.Add((prefix + "burst", $"{prefix}burst must be 1-{RatePlan.MaxBurst}."));
        else if (plan.Burst < plan.RatePerSecond)
            problems.Add((prefix + "burst", $"{prefix}burst must be at least {prefix}ratePerSecond (a rate window is burst / ratePerSecond seconds, at least one)."));
        if (plan.Quota is < 1 or > RatePlan.MaxQuota)
            problems.Add((prefix + "quota", $"{prefix}quota must be 1-{RatePlan.MaxQuota}."));
        if (!Enum.IsDefined(plan.Period))
            problems.Add((prefix + "quotaPeriod", $"{prefix}quotaPeriod must be 'day' or 'month'."));
        return problems;
    }

    /// <summary>A principal's own plan fields over the default plan's (each absent field takes the default's).</summary>
    public static RatePlan Over(this RatePlanOverride own, RatePlan defaults) => new(
        own.RatePerSecond ?? defaults.RatePerSecond, own.Burst ?? defaults.Burst, own.Quota ?? defaults.Quota, own.Period ?? defaults.Period);

    /// <summary>As above, with route limits: the principal's own list (even empty) replaces the default plan's.</summary>
    public static EffectivePlan Over(this RatePlanOverride own, EffectivePlan defaults) =>
        new(own.Over(defaults.Overall), own.Routes ?? defaults.Routes);

    /// <summary>The route's limits: its own fields over <paramref name="plan"/>'s, in the plan's quota period.</summary>
    public static RatePlan Over(this RouteLimit route, RatePlan plan) =>
        new(route.RatePerSecond ?? plan.RatePerSecond, route.Burst ?? plan.Burst, route.Quota ?? plan.Quota, plan.Period);

    /// <summary>
    /// Every rule the route limit's numbers must meet under <paramref name="plan"/>: at least one set, the resulting
    /// limits valid, none above the plan's (a route limit can only be lower). Member: the field ("burst"; null for
    /// the whole limit); Message: what is wrong, to follow the field's name.
    /// </summary>
    public static IReadOnlyList<(string? Member, string Message)> Problems(this RouteLimit route, RatePlan plan)
    {
        if (route.RatePerSecond is null && route.Burst is null && route.Quota is null) return [(null, "must set ratePerSecond, burst or quota.")];
        var own = route.Over(plan);
        var problems = new List<(string?, string)>();
        foreach (var (field, message) in own.Problems(""))
            if (field != "quotaPeriod") problems.Add((field, message[(field.Length + 1)..]));
        if (problems.Count > 0) return problems;
        if (own.RatePerSecond > plan.RatePerSecond) problems.Add(("ratePerSecond", $"must not exceed the plan's {plan.RatePerSecond}: a route limit is a lower limit."));
        if (own.Burst > plan.Burst) problems.Add(("burst", $"must not exceed the plan's {plan.Burst}: a route limit is a lower limit."));
        if (own.Quota > plan.Quota) problems.Add(("quota", $"must not exceed the plan's {plan.Quota}: a route limit is a lower limit."));
        return problems;
    }
}

/// <summary>The plan in force for a caller: the overall limits and the lower limits of named routes.</summary>
public sealed record EffectivePlan(RatePlan Overall, IReadOnlyList<RouteLimit> Routes)
{
    /// <summary>The route's own limits, or null when the plan names no limit for it (only the overall one applies).</summary>
    public RatePlan? ForRoute(string verb, string path)
    {
        foreach (var route in Routes)
            if (route.Matches(verb, path)) return route.Over(Overall);
        return null;
    }
}
