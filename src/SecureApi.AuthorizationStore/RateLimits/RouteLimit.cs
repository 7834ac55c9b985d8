namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>
/// A lower limit for one route of the API inside a plan (verb + route pattern, as in the route table), counted on
/// its own counters next to the plan's: a request to the route must pass both. Each field absent = the plan's value,
/// in the plan's quota period. See docs/rate-limits.md ("Route limits").
/// </summary>
public sealed record RouteLimit(string Verb, string Path, int? RatePerSecond = null, int? Burst = null, long? Quota = null)
{
    public const int MaxRoutes = 50;

    public bool Matches(string verb, string path) =>
        string.Equals(Verb, verb, StringComparison.Ordinal) && string.Equals(Path, path, StringComparison.Ordinal);

    /// <summary>The route's limits: its own fields over <paramref name="plan"/>'s.</summary>
    public RatePlan Over(RatePlan plan) =>
        new(RatePerSecond ?? plan.RatePerSecond, Burst ?? plan.Burst, Quota ?? plan.Quota, plan.Period);

    /// <summary>
    /// Every rule the route limit's numbers must meet under <paramref name="plan"/>: at least one set, the resulting
    /// limits valid, none above the plan's (a route limit can only be lower). Member: the field ("burst"; null for
    /// the whole limit); Message: what is wrong, to follow the field's name.
    /// </summary>
    public IReadOnlyList<(string? Member, string Message)> Problems(RatePlan plan)
    {
        if (RatePerSecond is null && Burst is null && Quota is null) return [(null, "must set ratePerSecond, burst or quota.")];
        var own = Over(plan);
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
