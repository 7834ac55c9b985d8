using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.RateLimiting;

/// <summary>
/// The plan in force for a partition: a principal's own fields over the default plan (read through the
/// authorization store's short cache, so a changed plan applies within AuthorizationStore:CacheSeconds);
/// a source address (public routes) and a principal the store does not hold get the default plan.
/// </summary>
public sealed class RatePlans(IAuthorizationStore store, RateLimitOptions options) : IPrincipalPlans
{
    private EffectivePlan? _default;

    /// <summary>The default plan and its route limits (settings; fixed for the process).</summary>
    public EffectivePlan Default => _default ??= new EffectivePlan(options.DefaultPlan, options.DefaultRoutes);

    /// <summary>Throws AuthorizationStoreUnavailableException when the store cannot answer (the caller applies OnStoreFailure).</summary>
    public async ValueTask<EffectivePlan> ForPrincipalAsync(string principalId, CancellationToken ct)
    {
        PrincipalRecord? principal;
        try
        {
            principal = await store.GetPrincipalAsync(principalId, ct).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            return Default; // an id the store cannot hold (the route check refuses such callers first): no own plan
        }
        return For(principal);
    }

    /// <summary>The plan of a principal as read (null: not in the store → the default plan).</summary>
    public EffectivePlan For(PrincipalRecord? principal) => principal?.Plan is { } own ? own.Over(Default) : Default;

    public RatePlan OverallFor(PrincipalRecord? principal) => For(principal).Overall;
}
