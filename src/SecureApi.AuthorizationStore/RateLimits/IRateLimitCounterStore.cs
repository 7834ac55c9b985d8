namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>
/// Counters of the rate limits, shared by every process that uses the same store. A partition is a principal
/// (<see cref="RateLimitPartitions.Principal"/>) or a source address (<see cref="RateLimitPartitions.SourceIp"/>).
/// <see cref="TryTakeAsync"/> is atomic across processes: however many run concurrently, no window admits more
/// than its limit and no admitted request goes uncounted. Each call answers or throws
/// <see cref="AuthorizationStoreUnavailableException"/> within the store's time budget (callers decide: fail closed
/// by default). See docs/rate-limits.md for the algorithm.
/// </summary>
public interface IRateLimitCounterStore
{
    /// <summary>
    /// Counts one request against the partition's rate window and quota period if both have room, else refuses it
    /// and counts nothing. <paramref name="lastWindow"/> is the rate window this process last saw for the partition
    /// (-1: none); it only chooses which write to try first.
    /// </summary>
    ValueTask<RateLimitDecision> TryTakeAsync(string partition, RatePlan plan, long lastWindow, CancellationToken cancellationToken = default);

    /// <summary>
    /// Undoes an admitted <paramref name="taken"/> (a request that passed a route's limit but was then refused by
    /// the plan's overall limit, so it was never served): one count less in its quota period, and in its rate window
    /// if that is still current. Never below zero; a no-op for a refusal or a period that has ended.
    /// </summary>
    ValueTask GiveBackAsync(string partition, RateLimitDecision taken, CancellationToken cancellationToken = default);

    /// <summary>The partition's counts in the current windows, without counting anything. One strongly consistent read.</summary>
    Task<RateUsage> GetUsageAsync(string partition, RatePlan plan, CancellationToken cancellationToken = default);
}

/// <summary>
/// Partition names: a principal's, a source address's and a route's inside either can never collide, because every
/// id in them is <see cref="StoreKey.Encode">encoded</see> ('#' only separates the parts).
/// </summary>
public static class RateLimitPartitions
{
    public static string Principal(string principalId) => "P#" + StoreKey.Encode(principalId);
    public static string SourceIp(string address) => "IP#" + StoreKey.Encode(address);

    /// <summary>The counters of one route's limit inside a partition: "P#alice#R#GET /protected".</summary>
    public static string Route(string partition, string verb, string path) => partition + "#R#" + StoreKey.Encode(verb + " " + path);
}
