namespace SecureApi.AuthorizationStore;

/// <summary>
/// Starts, at process start and without waiting, the store read the first request needs on every function: the
/// route table. Through the cached store the read runs on a pool thread (<see cref="CachingAuthorizationStore"/>):
/// the SDK's first-call set-up (client pipeline, credentials, endpoint, signing, connection) then overlaps fetching
/// the first event instead of delaying it, and later calls find the SDK and a connection ready. A request that
/// needs the table joins the read in flight (one load per key). A failed read is not cached: that request reads
/// again and fails closed on its own, so a failure here is only observed, never acted on.
/// </summary>
public static class RouteTableWarmUp
{
    /// <returns>The read, or null without a store.</returns>
    public static Task<RouteRules?>? Start(IAuthorizationStore? store)
    {
        var read = store?.GetRouteRulesAsync();
        read?.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return read;
    }
}
