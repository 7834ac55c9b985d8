using Amazon.DynamoDBv2;
using SecureApi.AuthorizationStore.DynamoDb;

namespace SecureApi.AuthorizationStore;

/// <summary>
/// Builds the store the settings ask for: DynamoDB when TableName is set, else a fresh in-memory store; wrapped in
/// <see cref="CachingAuthorizationStore"/> unless CacheSeconds is 0. Hold one instance per process (a singleton):
/// the cache and the process's one SDK client live in it (the step-up and rate-limit stores borrow that client,
/// see <see cref="DynamoDbClientOf"/>), and writes through it invalidate its cache.
/// </summary>
public static class AuthorizationStoreFactory
{
    private static readonly TimeSpan DefaultTableSetupBudget = TimeSpan.FromSeconds(30);

    /// <summary>The store, without creating any table. Throws <see cref="AuthorizationStoreConfigurationException"/> on invalid settings.</summary>
    public static IAuthorizationStore Create(AuthorizationStoreOptions options, TimeProvider time) =>
        WithCache(CreateBackingStore(options, time), options, time);

    /// <summary>
    /// As <see cref="Create"/>, then <see cref="CreateTableIfMissingAsync"/>. For local work and tests, never in a function.
    /// </summary>
    public static async Task<IAuthorizationStore> CreateAsync(AuthorizationStoreOptions options, TimeProvider time,
        TimeSpan? tableSetupBudget = null, CancellationToken cancellationToken = default)
    {
        var store = Create(options, time);
        await CreateTableIfMissingAsync(store, options, tableSetupBudget, cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>
    /// The one table-creation path: when CreateTableIfMissing is true and <paramref name="store"/> is on DynamoDB,
    /// creates its table (on-demand, TTL on) unless it exists, within <paramref name="tableSetupBudget"/> (default 30 s).
    /// </summary>
    public static Task CreateTableIfMissingAsync(IAuthorizationStore store, AuthorizationStoreOptions options,
        TimeSpan? tableSetupBudget = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        return options.CreateTableIfMissing && CachingAuthorizationStore.Uncached(store) is DynamoDbAuthorizationStore dynamo
            ? dynamo.CreateTableIfMissingAsync(tableSetupBudget ?? DefaultTableSetupBudget, cancellationToken)
            : Task.CompletedTask;
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

    /// <summary>
    /// The DynamoDB client of the process's authorization store, for the stores that live on the same table: one
    /// client per process (one credential and endpoint resolution, one connection pool), owned by that store.
    /// </summary>
    /// <summary>
    /// A store that lives beside the authorization store (a registry, the step-up store): on DynamoDB it shares the
    /// process's client and table; in memory it writes its audit records to the in-memory store's trail.
    /// </summary>
    /// <param name="options">The settings <paramref name="authorizationStore"/> was built from (<see cref="Create"/> checked them).</param>
    internal static T Beside<T>(AuthorizationStoreOptions options, TimeProvider time, IAuthorizationStore authorizationStore,
        Func<IAmazonDynamoDB, T> onDynamoDb, Func<InMemoryAuthorizationStore?, T> inMemory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(authorizationStore);
        return options.UsesDynamoDb
            ? onDynamoDb(DynamoDbClientOf(authorizationStore))
            : inMemory(CachingAuthorizationStore.Uncached(authorizationStore) as InMemoryAuthorizationStore);
    }

    internal static IAmazonDynamoDB DynamoDbClientOf(IAuthorizationStore authorizationStore) =>
        CachingAuthorizationStore.Uncached(authorizationStore) is DynamoDbAuthorizationStore dynamo
            ? dynamo.Client
            : throw new ArgumentException("TableName is set but the authorization store given is not on DynamoDB; pass the process's store.",
                nameof(authorizationStore));

    private static IAuthorizationStore WithCache(IAuthorizationStore store, AuthorizationStoreOptions options, TimeProvider time) =>
        options.CacheSeconds > 0 ? new CachingAuthorizationStore(store, options.CacheDuration, time) : store;
}
