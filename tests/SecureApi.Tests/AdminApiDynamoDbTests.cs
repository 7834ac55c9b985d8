using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>moto's DynamoDB-compatible server on loopback, with the SDK's default chains pointed at it (this process).</summary>
public sealed class DynamoDbServerForApi : IAsyncLifetime
{
    private DynamoDbCompatibleServer? _server;

    public DynamoDbCompatibleServer Server => _server ?? throw new InvalidOperationException("Server not started.");

    public async Task InitializeAsync()
    {
        _server = await DynamoDbCompatibleServer.StartAsync();
        // The API builds its client from the default credential chain, as on Lambda; moto accepts any credentials.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", DynamoDbCompatibleServer.AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", DynamoDbCompatibleServer.SecretAccessKey);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A host whose store is a fresh table on the server, created at start (CreateTableIfMissing).</summary>
    public SecureApiFactory NewFactory() => NewFactory("api-authz-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>A host on the named table (several hosts on one table and one set of credentials: instances of one deployment).</summary>
    /// <param name="time">The app's clock (default: the factory's own manual clock, standing still).</param>
    /// <param name="services">Registrations applied last (e.g. a counter store over a slowed client).</param>
    public SecureApiFactory NewFactory(string table, GatewayTestCredentials? credentials = null, TimeProvider? time = null,
        Action<IServiceCollection>? services = null) => new()
    {
        Credentials = credentials ?? new GatewayTestCredentials(),
        TimeOverride = time,
        ExtraServices = services,
        ExtraConfiguration = new Dictionary<string, string?>
        {
            ["AuthorizationStore:TableName"] = table,
            ["AuthorizationStore:ServiceUrl"] = Server.ServiceUrl,
            ["AuthorizationStore:Region"] = DynamoDbCompatibleServer.Region,
            ["AuthorizationStore:CreateTableIfMissing"] = "true",
            // The largest budgets (store, counters, the stage's authorizer): these tests assert what is admitted, with
            // hundreds of cold requests at once on a one-request-at-a-time server on a busy CI machine; the timeout
            // paths have tests of their own (an unreachable port).
            ["AuthorizationStore:TimeoutMilliseconds"] = "30000",
            ["RateLimits:TimeoutMilliseconds"] = "10000",
            ["Gateway:AuthorizerTimeout"] = "00:00:30",
        },
    };
}

/// <summary>The admin API and the per-request check on the real DynamoDB store (moto).</summary>
public sealed class AdminApiDynamoDbTests(DynamoDbServerForApi dynamo) : IClassFixture<DynamoDbServerForApi>
{
    [Fact]
    public async Task Principal_key_and_revocation_round_trip_through_dynamodb()
    {
        await using var factory = dynamo.NewFactory();
        Assert.Contains("DynamoDb", ((CachingAuthorizationStore)factory.Store()).Inner.GetType().Name);

        var (created, _, _) = await factory.SendAsync("PUT", "/principals/dyn-user", """{"roles":["user"],"permissions":["read"]}""");
        var (replaced, _, _) = await factory.SendAsync("PUT", "/principals/dyn-user", """{"roles":["admin"],"permissions":["read"]}""");
        var (got, gotBody, _) = await factory.SendAsync("GET", "/principals/dyn-user");
        var (keyStatus, keyBody, _) = await factory.SendAsync("POST", "/principals/dyn-user/keys", """{"kind":"api-key","description":"moto"}""");
        var key = AdminCalls.Json(keyBody);
        var keyId = key.GetProperty("keyId").GetString()!;
        var secret = key.GetProperty("secret").GetString()!;
        var (_, listBody, _) = await factory.SendAsync("GET", "/principals/dyn-user/keys");
        var (revoked, _, _) = await factory.SendAsync("DELETE", $"/keys/{keyId}");
        var (unknown, _, _) = await factory.SendAsync("DELETE", "/keys/key_unknown");
        var (ghost, _, _) = await factory.SendAsync("POST", "/principals/nobody/keys", """{"kind":"api-key"}""");

        Assert.Equal(201, created);
        Assert.Equal(200, replaced);
        Assert.Equal(200, got);
        Assert.Equal("admin", AdminCalls.Json(gotBody).GetProperty("roles")[0].GetString());
        Assert.Equal(201, keyStatus);
        Assert.StartsWith("sapi_", secret);
        Assert.DoesNotContain(secret, listBody);
        Assert.Equal(GatewayTestCredentials.Sha256Hex(secret), (await factory.Store().GetCredentialAsync(keyId))!.Sha256);
        Assert.Equal(204, revoked);
        Assert.Equal(404, unknown);
        Assert.Equal(404, ghost);
        Assert.Equal(CredentialStatus.Revoked, (await factory.Store().GetCredentialAsync(keyId))!.Status);
        var audit = await factory.AuditAsync();
        Assert.Equal(4, audit.Count);
        Assert.All(audit, a => Assert.Equal(AdminCalls.Actor, a.Actor));
        Assert.All(audit, a => Assert.DoesNotContain(secret, a.Detail));
    }

    [Fact]
    public async Task Disabled_principal_and_stored_route_table_are_enforced_from_dynamodb()
    {
        await using var factory = dynamo.NewFactory();

        await factory.SendAsync("PUT", "/principals/custom-user", """{"roles":["admin"],"permissions":[],"disabled":true}""");
        var (disabled, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.CustomHeader));
        var (put, _, _) = await factory.SendAsync("PUT", "/routes", AdminCalls.RoutesJson());
        var (routes, routesBody, _) = await factory.SendAsync("GET", "/routes");
        var (invalid, _, _) = await factory.SendAsync("PUT", "/routes", """{"routes":[]}""");

        Assert.Equal(401, disabled);
        Assert.Equal(200, put);
        Assert.Equal(200, routes);
        Assert.True(AdminCalls.Json(routesBody).GetProperty("stored").GetBoolean());
        Assert.Equal(400, invalid);
    }
}
