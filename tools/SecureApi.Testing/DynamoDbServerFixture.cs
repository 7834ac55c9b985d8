using Amazon.DynamoDBv2;
using Amazon.Runtime;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.DynamoDb;
using Xunit;

namespace SecureApi.Testing;

/// <summary>
/// One moto server (<see cref="DynamoDbCompatibleServer"/>) for a test collection or class: started before its first
/// test, stopped after its last. Each store gets a table of its own, so tests sharing the server never see each other.
/// </summary>
public sealed class DynamoDbServerFixture : IAsyncLifetime
{
    private DynamoDbCompatibleServer? _server;

    public DynamoDbCompatibleServer Server => _server ?? throw new InvalidOperationException("Server not started.");

    public async Task InitializeAsync() => _server = await DynamoDbCompatibleServer.StartAsync();

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }

    public static string NewTableName(string prefix = "authz-") => prefix + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Store options on this server (or <paramref name="serviceUrl"/>, e.g. a closed port), on a new table unless named.</summary>
    public AuthorizationStoreOptions Options(string? tableName = null, string? serviceUrl = null, int timeoutMilliseconds = 5000) => new()
    {
        TableName = tableName ?? NewTableName(),
        ServiceUrl = serviceUrl ?? Server.ServiceUrl,
        Region = DynamoDbCompatibleServer.Region,
        TimeoutMilliseconds = timeoutMilliseconds,
    };

    /// <summary>A client with the credentials the server accepts (instance member so tests read <c>dynamo.Client(…)</c>).</summary>
    public AmazonDynamoDBClient Client(AuthorizationStoreOptions options, HttpClientFactory? http = null) => NewClient(options, http);

    private static AmazonDynamoDBClient NewClient(AuthorizationStoreOptions options, HttpClientFactory? http)
    {
        var config = DynamoDbClientFactory.CreateConfig(options);
        if (http is not null) config.HttpClientFactory = http;
        return new AmazonDynamoDBClient(new BasicAWSCredentials(DynamoDbCompatibleServer.AccessKeyId, DynamoDbCompatibleServer.SecretAccessKey), config);
    }

    /// <summary>An uncached store on a new table of this server, created as local work would; optionally recording its requests.</summary>
    public Task<DynamoDbAuthorizationStore> NewStoreAsync(TimeProvider clock, HttpClientFactory? http = null) =>
        NewStoreAsync(Options(), clock, http: http);

    /// <summary>An uncached store for <paramref name="options"/>; the table is created unless told not to (an unreachable server).</summary>
    public static async Task<DynamoDbAuthorizationStore> NewStoreAsync(AuthorizationStoreOptions options, TimeProvider clock,
        bool createTable = true, HttpClientFactory? http = null)
    {
        var store = new DynamoDbAuthorizationStore(NewClient(options, http), options, clock, ownsClient: true);
        if (createTable) await store.CreateTableIfMissingAsync(TimeSpan.FromSeconds(30));
        return store;
    }
}
