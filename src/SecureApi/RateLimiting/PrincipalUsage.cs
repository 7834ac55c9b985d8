using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Endpoints;

namespace SecureApi.RateLimiting;

/// <summary>
/// GET /protected/admin/principals/{principalId}/usage (route table: AdminApi): the plan in force, the current
/// rate window's and quota period's counts, what remains and when each resets. Reads the store, never counts.
/// </summary>
public static class PrincipalUsage
{
    public static async Task<Results<Ok<UsageResponse>, NotFound, ValidationProblem>> GetUsage(
        string principalId, IAuthorizationStore store, RateLimitOptions options, IRateLimitCounterStore counters, CancellationToken ct)
    {
        var input = new AdminValidation();
        input.Id(principalId, "principalId");
        if (!input.IsValid) return TypedResults.ValidationProblem(input.Errors());
        var truth = store is CachingAuthorizationStore cached ? cached.Inner : store;
        if (await truth.GetPrincipalAsync(principalId, ct) is not { } principal) return TypedResults.NotFound();
        var plan = principal.Plan is { } own ? own.Over(options.DefaultPlan) : options.DefaultPlan;
        var usage = await counters.GetUsageAsync(RateLimitPartitions.Principal(principalId), plan, ct);
        return TypedResults.Ok(new UsageResponse(principalId, PlanBodies.ToView(plan),
            Rate: new UsageCounts(plan.Burst, usage.WindowUsed, usage.WindowRemaining, usage.WindowResetsAt),
            Quota: new UsageCounts(plan.Quota, usage.QuotaUsed, usage.QuotaRemaining, usage.QuotaResetsAt)));
    }
}
