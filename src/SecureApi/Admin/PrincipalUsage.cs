using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.RateLimiting;

namespace SecureApi.Admin;

/// <summary>
/// GET /protected/admin/principals/{principalId}/usage (route table: AdminApi): the plan in force, the current
/// rate window's and quota period's counts, what remains and when each resets, and the same for each route limit
/// (one read per counter). Reads the store, never counts.
/// </summary>
public static class PrincipalUsage
{
    public static async Task<Results<Ok<UsageResponse>, NotFound, ValidationProblem>> GetUsage(
        string principalId, IAuthorizationStore store, RatePlans plans, IRateLimitCounterStore counters, CancellationToken ct)
    {
        if (AdminValidation.IdProblem(principalId, "principalId") is { } problem) return problem;
        if (await CachingAuthorizationStore.Uncached(store).GetPrincipalAsync(principalId, ct) is not { } principal) return TypedResults.NotFound();
        var plan = plans.For(principal);
        var partition = RateLimitPartitions.Principal(principalId);
        var usage = await counters.GetUsageAsync(partition, plan.Overall, ct);
        var routes = new List<RouteUsage>(plan.Routes.Count);
        foreach (var route in plan.Routes)
        {
            var routeUsage = await counters.GetUsageAsync(RateLimitPartitions.Route(partition, route.Verb, route.Path), route.Over(plan.Overall), ct);
            routes.Add(new RouteUsage(route.Verb, route.Path, Rate(routeUsage), Quota(routeUsage)));
        }
        return TypedResults.Ok(new UsageResponse(principalId, PlanBodies.ToView(plan), Rate(usage), Quota(usage), routes));
    }

    private static UsageCounts Rate(RateUsage u) => new(u.Plan.Burst, u.WindowUsed, u.WindowRemaining, u.WindowResetsAt);

    private static UsageCounts Quota(RateUsage u) => new(u.Plan.Quota, u.QuotaUsed, u.QuotaRemaining, u.QuotaResetsAt);
}
