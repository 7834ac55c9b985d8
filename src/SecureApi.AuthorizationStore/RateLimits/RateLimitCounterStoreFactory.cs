using SecureApi.AuthorizationStore.DynamoDb;

namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>The counters next to the authorization store: on its DynamoDB table when TableName is set, else in process.</summary>
public static class RateLimitCounterStoreFactory
{
    /// <param name="options">Settings the process's authorization store was built from (AuthorizationStoreFactory checked them).</param>
    /// <param name="budget">Bound on one decision (the limiter's wait); see RateLimits:TimeoutMilliseconds.</param>
    public static IRateLimitCounterStore Create(AuthorizationStoreOptions options, TimeProvider time, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        return options.UsesDynamoDb
            ? new DynamoDbRateLimitCounterStore(DynamoDbClientFactory.Create(options), options.TableName!, time, budget)
            : new InMemoryRateLimitCounterStore(time);
    }
}
