using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// API hosts on the moto server of a <see cref="DynamoDbServerFixture"/>. The API builds its clients from the SDK's
/// default credential chain, as on Lambda; tests/test.runsettings gives the test process the credentials moto accepts.
/// </summary>
public static class DynamoDbApiHosts
{
    /// <summary>A host whose store is a fresh table on the server, created at start (CreateTableIfMissing).</summary>
    public static SecureApiFactory NewFactory(this DynamoDbServerFixture dynamo) => dynamo.NewFactory(DynamoDbServerFixture.NewTableName("api-authz-"));

    /// <summary>A host on the named table (several hosts on one table and one set of credentials: instances of one deployment).</summary>
    /// <param name="time">The app's clock (default: the factory's own manual clock, standing still).</param>
    /// <param name="services">Registrations applied last (e.g. a counter store over a slowed client).</param>
    /// <param name="edit">Edits each authorizer response (e.g. the keyId a store-aware REQUEST authorizer names).</param>
    public static SecureApiFactory NewFactory(this DynamoDbServerFixture dynamo, string table, GatewayTestCredentials? credentials = null, TimeProvider? time = null,
        Action<IServiceCollection>? services = null, Action<Lambda.APIGatewayEvents.APIGatewayCustomAuthorizerResponse>? edit = null) => new()
    {
        Credentials = credentials ?? new GatewayTestCredentials(),
        EditAuthorizerResponse = edit,
        TimeOverride = time,
        ExtraServices = services,
        ExtraConfiguration = new Dictionary<string, string?>
        {
            ["AuthorizationStore:TableName"] = table,
            ["AuthorizationStore:ServiceUrl"] = dynamo.Server.ServiceUrl,
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
[Trait("Category", "Integration")] // starts a process or a moto server
public sealed class AdminApiDynamoDbTests(DynamoDbServerFixture dynamo) : IClassFixture<DynamoDbServerFixture>
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
