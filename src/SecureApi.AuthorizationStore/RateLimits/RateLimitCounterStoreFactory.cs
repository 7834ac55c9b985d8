namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>The counters next to the authorization store: on its DynamoDB table, through its client, when TableName is set; else in process.</summary>
public static class RateLimitCounterStoreFactory
{
    /// <param name="options">Settings the process's authorization store was built from (AuthorizationStoreFactory checked them).</param>
    /// <param name="budget">Bound on one decision (the limiter's wait); see RateLimits:TimeoutMilliseconds.</param>
    /// <param name="authorizationStore">The process's authorization store, whose DynamoDB client the counters share.</param>
    public static IRateLimitCounterStore Create(AuthorizationStoreOptions options, TimeProvider time, TimeSpan budget, IAuthorizationStore authorizationStore)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(authorizationStore);
        return options.UsesDynamoDb
            ? new DynamoDbRateLimitCounterStore(AuthorizationStoreFactory.DynamoDbClientOf(authorizationStore), options.TableName!, time, budget)
            : new InMemoryRateLimitCounterStore(time);
    }
}
