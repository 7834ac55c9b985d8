using System.Diagnostics;
using System.Threading.RateLimiting;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.RateLimiting;

/// <summary>
/// One partition's limiter (a principal, or a source address on public routes) whose counts live in the shared
/// <see cref="IRateLimitCounterStore"/>, so the limit holds across every process. Each acquire is one counter
/// update, bounded by RateLimits:TimeoutMilliseconds; a refusal is remembered until its window ends, so a client
/// that keeps knocking after a 429 costs no store write. Writes the RateLimit fields on the response it limits.
/// </summary>
internal sealed partial class StoreBackedRateLimiter(string partition, string? principalId, RateLimiterServices services) : RateLimiter
{
    private readonly Lock _gate = new();
    private long _lastWindow = -1;
    private long _lastUsedTimestamp = Stopwatch.GetTimestamp();
    private RateLimitDecision _refused;          // the last refusal, valid while its window lasts and the plan is the same
    private bool _hasRefusal;

    public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Volatile.Read(ref _lastUsedTimestamp));

    public override RateLimiterStatistics? GetStatistics() => null;

    // The counters are remote: nothing can be granted without the store, so the synchronous attempt always defers
    // to AcquireAsync (the middleware then awaits it).
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Leases.Deferred;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastUsedTimestamp, Stopwatch.GetTimestamp());
        var context = services.HttpContexts.HttpContext;
        RateLimitDecision decision;
        try
        {
            var plan = principalId is null ? services.Plans.Default : await services.Plans.ForPrincipalAsync(principalId, cancellationToken).ConfigureAwait(false);
            var now = services.Time.GetUtcNow();
            if (!TryRememberedRefusal(plan, now, out decision))
            {
                decision = await services.Counters.TryTakeAsync(partition, plan, Volatile.Read(ref _lastWindow), cancellationToken).ConfigureAwait(false);
                Remember(decision);
            }
            if (context is not null) RateLimitFields.Write(context.Response, decision, now);
        }
        catch (Exception e) when (e is AuthorizationStoreUnavailableException or AuthorizationStoreConflictException)
        {
            Log.CounterStoreFailed(services.Logger, e.GetType().Name, services.Options.OnStoreFailure.ToString());
            return services.Options.OnStoreFailure == StoreFailureMode.FailOpen ? Leases.Admitted : Leases.StoreDown;
        }
        return decision.Admitted ? Leases.Admitted : new RefusedLease(decision);
    }

    private bool TryRememberedRefusal(RatePlan plan, DateTimeOffset now, out RateLimitDecision decision)
    {
        lock (_gate)
        {
            decision = _refused;
            return _hasRefusal && _refused.Plan == plan && now < _refused.RetryAt;
        }
    }

    private void Remember(RateLimitDecision decision)
    {
        Volatile.Write(ref _lastWindow, decision.Window);
        lock (_gate)
        {
            _hasRefusal = !decision.Admitted;
            _refused = decision;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
            Message = "The rate-limit counter store did not answer ({Failure}); applied {Mode}.")]
        public static partial void CounterStoreFailed(ILogger logger, string failure, string mode);
    }
}

/// <summary>The leases this limiter hands out; the rejection writer reads <see cref="RefusedLease.Decision"/>.</summary>
internal static class Leases
{
    public static readonly RateLimitLease Admitted = new Fixed(true);
    public static readonly RateLimitLease Deferred = new Fixed(false);
    public static readonly RateLimitLease StoreDown = new Fixed(false);

    private sealed class Fixed(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired => acquired;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

internal sealed class RefusedLease(RateLimitDecision decision) : RateLimitLease
{
    public RateLimitDecision Decision => decision;
    public override bool IsAcquired => false;
    public override IEnumerable<string> MetadataNames => [];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }
}
