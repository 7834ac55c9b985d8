namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>
/// A lower limit for one route of the API inside a plan (verb + route pattern, as in the route table), counted on
/// its own counters next to the plan's: a request to the route must pass both. Each field absent = the plan's value,
/// in the plan's quota period (resolved and checked by the API's plan policy, SecureApi.RateLimiting.PlanRules).
/// See docs/rate-limits.md ("Route limits").
/// </summary>
public sealed record RouteLimit(string Verb, string Path, int? RatePerSecond = null, int? Burst = null, long? Quota = null)
{
    public const int MaxRoutes = 50;

    public bool Matches(string verb, string path) =>
        string.Equals(Verb, verb, StringComparison.Ordinal) && string.Equals(Path, path, StringComparison.Ordinal);
}
