using System.Diagnostics;
using System.Threading.RateLimiting;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.AuthorizerContract;

namespace SecureApi.RateLimiting;

/// <summary>
/// One partition's limiter (a principal, or a source address on public routes) whose counts live in the shared
/// <see cref="IRateLimitCounterStore"/>, so the limit holds across every process. Each acquire is one counter
/// update, bounded by RateLimits:TimeoutMilliseconds; on a route the plan names a lower limit for, the route's
/// counters are taken first (a refusal there leaves the plan's counts alone) and given back if the plan's overall
/// limit then refuses. A refusal is remembered until its window ends, so a client that keeps knocking after a 429
/// costs no store write. Writes the RateLimit fields on the response it limits.
/// </summary>
internal sealed partial class StoreBackedRateLimiter(string partition, string? principalId, RateLimiterServices services) : RateLimiter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Memory> _memory = new(StringComparer.Ordinal); // per counter: the plan's, each route's
    private long _lastUsedTimestamp = Stopwatch.GetTimestamp();

    /// <summary>What this process last saw of one counter: its rate window, and its last refusal while that lasts.</summary>
    private readonly record struct Memory(long LastWindow, RateLimitDecision? Refused);

    public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Volatile.Read(ref _lastUsedTimestamp));

    public override RateLimiterStatistics? GetStatistics() => null;

    // The counters are remote: nothing can be granted without the store, so the synchronous attempt always defers
    // to AcquireAsync (the middleware then awaits it).
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Leases.Deferred;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastUsedTimestamp, Stopwatch.GetTimestamp());
        var context = services.HttpContexts.HttpContext;
        try
        {
            var plan = principalId is null ? services.Plans.Default : await services.Plans.ForPrincipalAsync(principalId, cancellationToken).ConfigureAwait(false);
            var now = services.Time.GetUtcNow();
            var route = plan.Routes.Count > 0 && context is not null ? RouteOf(context, plan) : null;
            RateLimitDecision? routeTaken = null;
            if (route is not null && Recall(partition, out var planMemory) && StillRefused(planMemory, plan.Overall, now) is { } planRefused)
            {
                // The plan already refused within this window: answer that without touching the route's counter,
                // which would cost a take and a give-back per knock.
                if (context is not null) RateLimitFields.Write(context.Response, plan.Overall, planRefused, null, now);
                return new RefusedLease(planRefused, onRoute: false);
            }
            if (route is { } r)
            {
                var routeDecision = await TakeAsync(r.Partition, r.Plan, now, cancellationToken).ConfigureAwait(false);
                if (!routeDecision.Admitted)
                {
                    if (context is not null) RateLimitFields.Write(context.Response, plan.Overall, null, routeDecision, now);
                    return new RefusedLease(routeDecision, onRoute: true);
                }
                routeTaken = routeDecision;
            }
            var decision = await TakeAsync(partition, plan.Overall, now, cancellationToken).ConfigureAwait(false);
            if (!decision.Admitted && routeTaken is { } taken) await GiveBackAsync(route!.Value.Partition, taken, cancellationToken).ConfigureAwait(false);
            if (context is not null) RateLimitFields.Write(context.Response, plan.Overall, decision, routeTaken, now);
            return decision.Admitted ? Leases.Admitted : new RefusedLease(decision, onRoute: false);
        }
        catch (Exception e) when (e is AuthorizationStoreUnavailableException or AuthorizationStoreConflictException)
        {
            Log.CounterStoreFailed(services.Logger, e.GetType().Name, services.Options.OnStoreFailure.ToString());
            return services.Options.OnStoreFailure == StoreFailureMode.FailOpen ? Leases.Admitted : Leases.StoreDown;
        }
    }

    /// <summary>The route's own counters and limits when the plan names one for this endpoint, else null.</summary>
    private (string Partition, RatePlan Plan)? RouteOf(HttpContext context, EffectivePlan plan)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint) return null;
        var verb = context.Request.Method;
        var path = EndpointRoutes.TemplatePath(endpoint);
        return plan.ForRoute(verb, path) is { } own ? (RateLimitPartitions.Route(partition, verb, path), own) : null;
    }

    /// <summary>One counter: the remembered refusal while its window lasts, else one store update.</summary>
    private async ValueTask<RateLimitDecision> TakeAsync(string counter, RatePlan plan, DateTimeOffset now, CancellationToken ct)
    {
        var seen = Recall(counter, out var memory);
        if (StillRefused(memory, plan, now) is { } refused) return refused;
        var decision = await services.Counters.TryTakeAsync(counter, plan, seen ? memory.LastWindow : -1, ct).ConfigureAwait(false);
        lock (_gate) _memory[counter] = new Memory(decision.Window, decision.Admitted ? null : decision);
        return decision;
    }

    private bool Recall(string counter, out Memory memory)
    {
        lock (_gate) return _memory.TryGetValue(counter, out memory);
    }

    /// <summary>The counter's last refusal, while its window lasts and the plan is the same; else null.</summary>
    private static RateLimitDecision? StillRefused(Memory memory, RatePlan plan, DateTimeOffset now) =>
        memory.Refused is { } refused && refused.Plan == plan && now < refused.RetryAt ? refused : null;

    /// <summary>Best effort: when the store cannot take the count back the route keeps it (fewer admitted, never more).</summary>
    private async ValueTask GiveBackAsync(string counter, RateLimitDecision taken, CancellationToken ct)
    {
        try
        {
            await services.Counters.GiveBackAsync(counter, taken, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthorizationStoreUnavailableException or AuthorizationStoreConflictException)
        {
            Log.GiveBackFailed(services.Logger, e.GetType().Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.RateLimitCounterStoreFailed, EventName = nameof(LogEvents.RateLimitCounterStoreFailed), Level = LogLevel.Warning,
            Message = "The rate-limit counter store did not answer ({Failure}); applied {Mode}.")]
        public static partial void CounterStoreFailed(ILogger logger, string failure, string mode);

        [LoggerMessage(EventId = LogEvents.RateLimitGiveBackFailed, EventName = nameof(LogEvents.RateLimitGiveBackFailed), Level = LogLevel.Warning,
            Message = "A route limit's count could not be given back after the plan's limit refused the request ({Failure}); the route keeps it.")]
        public static partial void GiveBackFailed(ILogger logger, string failure);
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

/// <summary>A refusal: by the plan's overall limit, or (OnRoute) by the route's lower limit.</summary>
internal sealed class RefusedLease(RateLimitDecision decision, bool onRoute) : RateLimitLease
{
    public RateLimitDecision Decision => decision;
    public bool OnRoute => onRoute;
    public override bool IsAcquired => false;
    public override IEnumerable<string> MetadataNames => [];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }
}
