using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.RateLimiting;

/// <summary>What every partition's limiter shares (singletons).</summary>
internal sealed class RateLimiterServices(
    IRateLimitCounterStore counters, RatePlans plans, RateLimitOptions options, TimeProvider time,
    IHttpContextAccessor httpContexts, ILogger<StoreBackedRateLimiter> logger)
{
    public IRateLimitCounterStore Counters => counters;
    public RatePlans Plans => plans;
    public RateLimitOptions Options => options;
    public TimeProvider Time => time;
    public IHttpContextAccessor HttpContexts => httpContexts;
    public ILogger Logger => logger;
}
