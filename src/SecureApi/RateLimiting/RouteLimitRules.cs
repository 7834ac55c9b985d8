using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.AuthorizerContract;

namespace SecureApi.RateLimiting;

/// <summary>
/// The rules route limits meet, for the admin API and the default plan's settings alike: at most
/// <see cref="RouteLimit.MaxRoutes"/>; each names a rate-limited route of this API (verb + route pattern, exactly as
/// the route table writes it) once; its numbers valid and none above the plan's.
/// </summary>
public static class RouteLimitRules
{
    /// <param name="routes">As submitted (the admin body's plan.routes, RateLimits__DefaultPlan__Routes); a missing verb or path is "".</param>
    /// <param name="plan">The plan the limits sit in; null when it is itself invalid (the numbers are then not compared).</param>
    /// <param name="limited">The routes of this API under rate limiting (EndpointRoutes.RateLimited).</param>
    /// <param name="field">The name of route i's member (null: the route limit itself), as the caller reports fields.</param>
    /// <returns>The valid route limits (complete only when nothing was reported).</returns>
    public static IReadOnlyList<RouteLimit> Check(IReadOnlyList<RouteLimit?> routes, RatePlan? plan, IReadOnlyList<(string Verb, string Path)> limited,
        string listField, Func<int, string?, string> field, Action<string, string> report)
    {
        if (routes.Count > RouteLimit.MaxRoutes) report(listField, $"{listField} may hold at most {RouteLimit.MaxRoutes} route limits.");
        var valid = new List<RouteLimit>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < routes.Count; i++)
        {
            var name = field(i, null);
            if (routes[i] is not { } r)
            {
                report(name, $"{name} must not be null.");
                continue;
            }
            if (!KnownVerbs.Contains(r.Verb))
            {
                report(field(i, "verb"), $"{field(i, "verb")} must be one of {KnownVerbs.List}.");
                continue;
            }
            if (!limited.Contains((r.Verb, r.Path)))
            {
                report(field(i, "path"), $"{field(i, "path")} must be a rate-limited route of this API for {r.Verb}, written as in the route table (e.g. /protected/admin/principals/{{principalId}}).");
                continue;
            }
            if (!seen.Add((r.Verb, r.Path)))
            {
                report(name, $"{name} repeats {r.Verb} {r.Path}.");
                continue;
            }
            if (plan is null) continue;
            var problems = r.Problems(plan);
            foreach (var (member, message) in problems) report(field(i, member), $"{field(i, member)} {message}");
            if (problems.Count == 0) valid.Add(r);
        }
        return valid;
    }
}
