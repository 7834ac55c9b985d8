using Amazon.DynamoDBv2;
using Amazon.Runtime;
using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.Testing;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>One moto server for every DynamoDB test class in this assembly; each store gets its own table.</summary>
public sealed class DynamoDbServerFixture : IAsyncLifetime
{
    private DynamoDbCompatibleServer? _server;

    public DynamoDbCompatibleServer Server => _server ?? throw new InvalidOperationException("Server not started.");

    // Atomic UpdateItem: moto checks a condition and applies the update without a lock, DynamoDB atomically; the
    // counter contract's concurrent conditional updates need DynamoDB's behaviour (see StartWithAtomicUpdatesAsync).
    public async Task InitializeAsync() => _server = await DynamoDbCompatibleServer.StartWithAtomicUpdatesAsync();

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }

    public AuthorizationStoreOptions Options(string? tableName = null, string? serviceUrl = null, int timeoutMilliseconds = 5000) => new()
    {
        TableName = tableName ?? "authz-" + Guid.NewGuid().ToString("N")[..12],
        ServiceUrl = serviceUrl ?? Server.ServiceUrl,
        Region = DynamoDbCompatibleServer.Region,
        TimeoutMilliseconds = timeoutMilliseconds,
    };

    public AmazonDynamoDBClient Client(AuthorizationStoreOptions options) =>
        DynamoDbClientFactory.Create(options, new BasicAWSCredentials(DynamoDbCompatibleServer.AccessKeyId, DynamoDbCompatibleServer.SecretAccessKey));

    /// <summary>A store on a new table of its own, created as local work would; optionally recording its requests.</summary>
    public async Task<DynamoDbAuthorizationStore> NewStoreAsync(TimeProvider clock, HttpClientFactory? http = null)
    {
        var options = Options();
        var config = DynamoDbClientFactory.CreateConfig(options);
        if (http is not null) config.HttpClientFactory = http;
        var client = new AmazonDynamoDBClient(new BasicAWSCredentials(DynamoDbCompatibleServer.AccessKeyId, DynamoDbCompatibleServer.SecretAccessKey), config);
        var store = new DynamoDbAuthorizationStore(client, options, clock, ownsClient: true);
        await store.CreateTableIfMissingAsync(TimeSpan.FromSeconds(30));
        return store;
    }
}

[CollectionDefinition(Name)]
public sealed class DynamoDbCollection : ICollectionFixture<DynamoDbServerFixture>
{
    public const string Name = "DynamoDB-compatible server";
}
