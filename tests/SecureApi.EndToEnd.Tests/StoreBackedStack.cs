using System.Security.Cryptography;
using System.Text.Json;
using Amazon.Runtime;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.LocalGateway;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// The deployed stack with its authorization store: a DynamoDB-compatible server (moto) on loopback, one table
/// created once with the store library (as CloudFormation creates it; the functions never create it), and the three
/// published functions started by <see cref="DeployedStack"/> with the AuthorizationStore settings the template
/// gives them plus ServiceUrl, fake credentials and a short <see cref="CacheSeconds"/>. The documented window
/// for a revocation or a disabled principal is CacheSeconds (docs/authorization-store.md, "Freshness").
/// </summary>
public sealed class StoreBackedStack : IAsyncLifetime
{
    /// <summary>AuthorizationStore__CacheSeconds of every function: short, so the window tests stay fast.</summary>
    public const int CacheSeconds = 2;

    public string TableName { get; } = "secureapi-e2e-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    public DynamoDbCompatibleServer Server { get; private set; } = null!;
    public DeployedStack Stack { get; private set; } = null!;
    public GatewayTestCredentials Credentials => Stack.Credentials;

    public async Task InitializeAsync()
    {
        Server = await DynamoDbCompatibleServer.StartAsync();
        var options = new AuthorizationStoreOptions { TableName = TableName, ServiceUrl = Server.ServiceUrl, Region = DynamoDbCompatibleServer.Region };
        var credentials = new BasicAWSCredentials(DynamoDbCompatibleServer.AccessKeyId, DynamoDbCompatibleServer.SecretAccessKey);
        using (var store = new DynamoDbAuthorizationStore(DynamoDbClientFactory.Create(options, credentials), options, TimeProvider.System, ownsClient: true))
            await store.CreateTableIfMissingAsync(TimeSpan.FromSeconds(30));

        var environment = new Dictionary<string, string>(Server.ClientEnvironment)
        {
            ["AuthorizationStore__TableName"] = TableName,
            ["AuthorizationStore__CacheSeconds"] = CacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Stack = new DeployedStack { ExtraEnvironment = _ => environment };
        await Stack.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (Stack is not null) await Stack.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
    }

    /// <summary>An admin API call authenticated with the seed admin key (RequestAuthorizer__ApiKeys), JSON body if any.</summary>
    public Task<ClientResponse> AdminAsync(string method, string path, object? body = null)
    {
        var headers = body is null ? [] : new List<KeyValuePair<string, string>> { new("Content-Type", "application/json") };
        var request = GatewayRequest.Create(method, path, headers, [new("api_key", Credentials.AdminApiKey)], GatewayTestCredentials.DefaultSourceIp);
        return Stack.SendAsync(request, body is null ? null : JsonSerializer.Serialize(body));
    }

    public Task<ClientResponse> WithApiKeyAsync(string path, string apiKey) =>
        Stack.SendAsync(GatewayRequest.Create("GET", path, [], [new("api_key", apiKey)], GatewayTestCredentials.DefaultSourceIp));

    public Task<ClientResponse> WithTokenAsync(string path, string token) =>
        Stack.SendAsync(GatewayRequest.Create("GET", path, [new("Authorization", "Bearer " + token)], [], GatewayTestCredentials.DefaultSourceIp));
}

[CollectionDefinition(Name)]
public sealed class StoreBackedStackCollection : ICollectionFixture<StoreBackedStack>
{
    public const string Name = "Store-backed deployed stack";
}
