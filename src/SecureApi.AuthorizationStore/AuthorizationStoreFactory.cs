using SecureApi.AuthorizationStore.DynamoDb;

namespace SecureApi.AuthorizationStore;

/// <summary>
/// Builds the store the settings ask for: DynamoDB when TableName is set, else a fresh in-memory store; wrapped in
/// <see cref="CachingAuthorizationStore"/> unless CacheSeconds is 0. Hold one instance per process (a singleton):
/// the cache and the SDK client's connections live in it, and writes through it invalidate its cache.
/// </summary>
public static class AuthorizationStoreFactory
{
    /// <summary>The store, without creating any table. Throws <see cref="AuthorizationStoreConfigurationException"/> on invalid settings.</summary>
    public static IAuthorizationStore Create(AuthorizationStoreOptions options, TimeProvider time) =>
        WithCache(CreateBackingStore(options, time), options, time);

    /// <summary>
    /// As <see cref="Create"/>, and when CreateTableIfMissing is true also creates the DynamoDB table within
    /// <paramref name="tableSetupBudget"/> (default 30 s). For the API at startup in local work, never in a function.
    /// </summary>
    public static async Task<IAuthorizationStore> CreateAsync(AuthorizationStoreOptions options, TimeProvider time,
        TimeSpan? tableSetupBudget = null, CancellationToken cancellationToken = default)
    {
        var store = CreateBackingStore(options, time);
        if (options.CreateTableIfMissing && store is DynamoDbAuthorizationStore dynamo)
            await dynamo.CreateTableIfMissingAsync(tableSetupBudget ?? TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        return WithCache(store, options, time);
    }

    /// <summary>The uncached store: <see cref="DynamoDbAuthorizationStore"/> or <see cref="InMemoryAuthorizationStore"/>.</summary>
    public static IAuthorizationStore CreateBackingStore(AuthorizationStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.ThrowIfInvalid();
        return options.UsesDynamoDb
            ? new DynamoDbAuthorizationStore(DynamoDbClientFactory.Create(options), options, time, ownsClient: true)
            : new InMemoryAuthorizationStore(time);
    }

    private static IAuthorizationStore WithCache(IAuthorizationStore store, AuthorizationStoreOptions options, TimeProvider time) =>
        options.CacheSeconds > 0 ? new CachingAuthorizationStore(store, options.CacheDuration, time) : store;
}
