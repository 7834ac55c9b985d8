using System.Security.Cryptography;
using System.Text.Json;
using Amazon.Runtime;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.AuthorizerContract;
using SecureApi.StepUp;
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
        // Admin writes need step-up (docs/step-up.md): the seed admin key has stepped up for the whole run, as a code
        // would do for 5 minutes. StepUpApiTests use admin keys of their own, which get no window from this.
        using (var client = DynamoDbClientFactory.Create(options, credentials))
            await new DynamoDbStepUpStore(client, options, TimeProvider.System).OpenWindowAsync(
                StepUpCredential.For(AuthTypes.ApiKey, SeedAdmin, null, null), SeedAdmin, DateTimeOffset.UtcNow.AddHours(2));
        // TOTP secrets under a KMS data key, as deployed (the template's StepUp__KmsKeyId), with moto's KMS.
        using var kms = new Amazon.KeyManagementService.AmazonKeyManagementServiceClient(credentials,
            new Amazon.KeyManagementService.AmazonKeyManagementServiceConfig { ServiceURL = Server.ServiceUrl, AuthenticationRegion = DynamoDbCompatibleServer.Region });
        var kmsKey = (await kms.CreateKeyAsync(new Amazon.KeyManagementService.Model.CreateKeyRequest { Description = "e2e step-up" })).KeyMetadata.Arn;

        var environment = new Dictionary<string, string>(Server.ClientEnvironment)
        {
            ["AuthorizationStore__TableName"] = TableName,
            ["AuthorizationStore__CacheSeconds"] = CacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StepUp__KmsKeyId"] = kmsKey,
            ["StepUp__KmsServiceUrl"] = Server.ServiceUrl,
            ["StepUp__KmsRegion"] = DynamoDbCompatibleServer.Region,
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

    /// <summary>Any call with an API key, an optional X-MFA-Code, JSON body and X-Enrollment-Ticket.</summary>
    public Task<ClientResponse> WithApiKeyAsync(string method, string path, string apiKey, string? mfaCode, object? body = null, string? enrollmentTicket = null)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (enrollmentTicket is not null) headers.Add(new("X-Enrollment-Ticket", enrollmentTicket));
        if (body is not null) headers.Add(new("Content-Type", "application/json"));
        if (mfaCode is not null) headers.Add(new("X-MFA-Code", mfaCode));
        return Stack.SendAsync(GatewayRequest.Create(method, path, headers, [new("api_key", apiKey)], GatewayTestCredentials.DefaultSourceIp),
            body is null ? null : JsonSerializer.Serialize(body));
    }

    /// <summary>The principal of the seed admin key (RequestAuthorizer__ApiKeys).</summary>
    public const string SeedAdmin = "api-key-user";

    public Task<ClientResponse> WithTokenAsync(string path, string token) =>
        Stack.SendAsync(GatewayRequest.Create("GET", path, [new("Authorization", "Bearer " + token)], [], GatewayTestCredentials.DefaultSourceIp));
}

[CollectionDefinition(Name)]
public sealed class StoreBackedStackCollection : ICollectionFixture<StoreBackedStack>
{
    public const string Name = "Store-backed deployed stack";
}
