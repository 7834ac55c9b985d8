using System.Diagnostics;
using SecureApi.AuthorizationStore;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>
/// The REQUEST authorizer with an authorization store: the same behaviour against the in-memory store and against
/// DynamoDB (a moto server on loopback). The configured entries stay the seed and are checked first.
/// </summary>
public abstract class RequestAuthorizerStoreTests
{
    protected const string SeedKey = "seed-admin-key";
    private const string StoredKey = "stored-key-0123456789";
    private const string StoredHeaderValue = "stored-header-value-0123";
    private protected readonly ManualClock Clock = new();
    private readonly StringWriter _log = new();

    /// <summary>A fresh, empty, uncached store using <see cref="Clock"/>.</summary>
    protected abstract Task<IAuthorizationStore> NewStoreAsync();

    private protected RequestAuthorizer Authorizer(IAuthorizationStore store) => new(new RequestAuthorizerOptions
    {
        ApiKeys = [new() { Sha256 = StoreData.Sha256Hex(SeedKey), PrincipalId = "seed-admin", Role = "admin", Permissions = "read" }],
    }, _log, store);

    private static APIGatewayCustomAuthorizerRequestFor Key(string key) => new(query: key);
    private static APIGatewayCustomAuthorizerRequestFor Header(string value) => new(header: value);

    private protected sealed record APIGatewayCustomAuthorizerRequestFor(string? query = null, string? header = null)
    {
        public SecureApi.Lambda.APIGatewayEvents.APIGatewayCustomAuthorizerRequest Event(string arn = Events.AdminArn) => Events.Request(
            query: query is null ? null : new() { ["api_key"] = query },
            headers: header is null ? null : new() { ["X-Custom-Auth"] = header },
            methodArn: arn);
    }

    [Fact]
    public async Task Stored_api_key_of_an_enabled_principal_is_allowed_with_its_roles_and_key_id_in_context()
    {
        var store = await NewStoreAsync();
        await StoreData.AddKeyAsync(store, "ops-bot", "key-1", StoredKey, roles: ["admin"], permissions: ["read", "write"]);

        var decision = await Authorizer(store).AuthorizeAsync(Key(StoredKey).Event());

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        var context = decision.Response!.Context!;
        Assert.Equal("ops-bot", decision.Response.PrincipalID);
        Assert.Equal("ops-bot", context[AuthorizerContextKeys.PrincipalId]);
        Assert.Equal("admin", context[AuthorizerContextKeys.Role]);
        Assert.Equal("read,write", context[AuthorizerContextKeys.Permissions]);
        Assert.Equal(AuthTypes.ApiKey, context[AuthorizerContextKeys.AuthType]);
        Assert.Equal("key-1", context[AuthorizerContextKeys.KeyId]);
        Assert.DoesNotContain(StoreData.Sha256Hex(StoredKey), _log.ToString());
        Assert.DoesNotContain(StoredKey, _log.ToString());
    }

    [Fact]
    public async Task Stored_custom_header_value_is_allowed_with_its_key_id_in_context()
    {
        var store = await NewStoreAsync();
        await StoreData.AddKeyAsync(store, "partner", "hdr-1", StoredHeaderValue, kind: AuthTypes.CustomHeader, roles: [], permissions: ["read"]);

        var decision = await Authorizer(store).AuthorizeAsync(Header(StoredHeaderValue).Event(Events.ProtectedArn));

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal(AuthTypes.CustomHeader, decision.Response!.Context![AuthorizerContextKeys.AuthType]);
        Assert.Equal("hdr-1", decision.Response.Context[AuthorizerContextKeys.KeyId]);
    }

    [Theory]
    [InlineData("unknown key", ReasonCodes.InvalidCredential)]
    [InlineData("revoked key", ReasonCodes.InvalidCredential)]
    [InlineData("expired key", ReasonCodes.InvalidCredential)]
    [InlineData("disabled principal", ReasonCodes.PrincipalDisabled)]
    [InlineData("api key presented as X-Custom-Auth", ReasonCodes.InvalidCredential)]
    [InlineData("X-Custom-Auth value presented as api_key", ReasonCodes.InvalidCredential)]
    public async Task Stored_credential_is_unauthorized_for(string path, string reason)
    {
        var store = await NewStoreAsync();
        var request = Key(StoredKey);
        switch (path)
        {
            case "unknown key":
                await StoreData.AddKeyAsync(store, "ops-bot", "key-1", StoredKey + "-other");
                break;
            case "revoked key":
                await StoreData.AddKeyAsync(store, "ops-bot", "key-1", StoredKey);
                Assert.NotNull(await store.RevokeCredentialAsync("key-1", "test"));
                break;
            case "expired key":
                await StoreData.AddKeyAsync(store, "ops-bot", "key-1", StoredKey, expiresAt: Clock.GetUtcNow().AddHours(1));
                Clock.Advance(TimeSpan.FromHours(2));
                break;
            case "disabled principal":
                await StoreData.AddKeyAsync(store, "ops-bot", "key-1", StoredKey, disabled: true);
                break;
            case "api key presented as X-Custom-Auth":
                await StoreData.AddKeyAsync(store, "ops-bot", "key-1", StoredKey, kind: AuthTypes.ApiKey);
                request = Header(StoredKey);
                break;
            case "X-Custom-Auth value presented as api_key":
                await StoreData.AddKeyAsync(store, "ops-bot", "key-1", StoredKey, kind: AuthTypes.CustomHeader);
                break;
        }

        var decision = await Authorizer(store).AuthorizeAsync(request.Event());

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(reason, decision.ReasonCode);
        Assert.Null(decision.Response);
    }

    [Fact]
    public async Task Configured_seed_key_still_works_with_a_store_configured()
    {
        var store = await NewStoreAsync();

        var decision = await Authorizer(store).AuthorizeAsync(Key(SeedKey).Event());

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("seed-admin", decision.PrincipalId);
        Assert.False(decision.Response!.Context!.ContainsKey(AuthorizerContextKeys.KeyId));
    }

    [Fact]
    public async Task Stored_route_table_replaces_the_configured_one_for_stored_and_seed_keys()
    {
        var store = await NewStoreAsync();
        await StoreData.AddKeyAsync(store, "ops-bot", "key-1", StoredKey, roles: ["admin"]);
        var authorizer = Authorizer(store);
        Assert.Equal(AuthorizerOutcome.Allow, (await authorizer.AuthorizeAsync(Key(StoredKey).Event())).Outcome);

        // The stored table no longer lets role admin call GET /protected/admin.
        await store.PutRouteRulesAsync(new RouteRules(
        [
            new RouteRule("GET", "/protected", RequiredPermission: "read"),
            new RouteRule("GET", "/protected/admin", RequiredRole: "root"),
        ]), "test");

        var stored = await authorizer.AuthorizeAsync(Key(StoredKey).Event());
        var seed = await authorizer.AuthorizeAsync(Key(SeedKey).Event());

        Assert.Equal(AuthorizerOutcome.Deny, stored.Outcome);
        Assert.Equal(AuthorizerOutcome.Deny, seed.Outcome);
        Assert.Equal(2, Events.Effects(stored).Count);
        Assert.Equal("Deny", Events.Effects(stored)[Events.AdminArn]);
    }

    [Fact]
    public async Task Key_created_through_the_shared_cached_store_works_on_the_very_next_request()
    {
        using var cached = new CachingAuthorizationStore(await NewStoreAsync(), TimeSpan.FromSeconds(10), Clock);
        await cached.PutPrincipalAsync(new PrincipalChange("ops-bot", ["admin"], []), "test");
        var authorizer = Authorizer(cached);
        Assert.Equal(ReasonCodes.InvalidCredential, (await authorizer.AuthorizeAsync(Key(StoredKey).Event())).ReasonCode); // "not found" now cached

        await cached.CreateCredentialAsync(new NewCredential("key-1", AuthTypes.ApiKey, "ops-bot", StoreData.Sha256Hex(StoredKey)), "test");

        Assert.Equal(AuthorizerOutcome.Allow, (await authorizer.AuthorizeAsync(Key(StoredKey).Event())).Outcome);
    }
}

public sealed class RequestAuthorizerInMemoryStoreTests : RequestAuthorizerStoreTests
{
    protected override Task<IAuthorizationStore> NewStoreAsync() => Task.FromResult<IAuthorizationStore>(new InMemoryAuthorizationStore(Clock));

    [Fact]
    public async Task Stored_credential_whose_principal_record_is_missing_is_unauthorized()
    {
        var inner = new InMemoryAuthorizationStore(Clock);
        await StoreData.AddKeyAsync(inner, "ghost", "key-9", "ghost-key");
        var store = new WithoutPrincipals(inner);

        var decision = await Authorizer(store).AuthorizeAsync(Events.Request(query: new() { ["api_key"] = "ghost-key" }));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.UnknownPrincipal, decision.ReasonCode);
    }

    public static TheoryData<Exception, string> StoreErrors => new()
    {
        { new AuthorizationStoreUnavailableException("down"), ReasonCodes.StoreUnavailable },
        { new OperationCanceledException(), ReasonCodes.Timeout },
        { new InvalidOperationException("bug"), ReasonCodes.InternalError },
    };

    [Theory]
    [MemberData(nameof(StoreErrors))]
    public async Task Store_error_is_unauthorized_for_stored_and_seed_keys_and_the_ip_allowlist(Exception error, string reason)
    {
        var authorizer = new RequestAuthorizer(new RequestAuthorizerOptions
        {
            ApiKeys = [new() { Sha256 = StoreData.Sha256Hex(SeedKey), PrincipalId = "seed-admin", Role = "admin" }],
            AllowedCidrs = ["10.0.0.0/8"],
            IpRole = "admin",
        }, store: new FailingStore(error));

        var decisions = new[]
        {
            await authorizer.AuthorizeAsync(Events.Request(query: new() { ["api_key"] = "not-a-seed-key" })),
            await authorizer.AuthorizeAsync(Events.Request(query: new() { ["api_key"] = SeedKey })),
            await authorizer.AuthorizeAsync(Events.Request(sourceIp: "10.0.0.1")),
        };

        Assert.All(decisions, d => Assert.Equal(AuthorizerOutcome.Unauthorized, d.Outcome));
        Assert.All(decisions, d => Assert.Equal(reason, d.ReasonCode));
    }

    [Fact]
    public void Request_authorizer_with_a_store_needs_no_configured_entries()
    {
        _ = new RequestAuthorizer(new RequestAuthorizerOptions(), store: new InMemoryAuthorizationStore(Clock));
        Assert.Throws<AuthorizerConfigurationException>(() => new RequestAuthorizer(new RequestAuthorizerOptions()));
    }
}

[Trait("Category", "Integration")] // starts a process or a moto server
[Collection(DynamoDbCollection.Name)]
public sealed class RequestAuthorizerDynamoDbStoreTests(DynamoDbServerFixture dynamo) : RequestAuthorizerStoreTests
{
    protected override async Task<IAuthorizationStore> NewStoreAsync() =>
        await dynamo.NewStoreAsync(Clock);

    [Fact]
    public async Task Unreachable_store_is_unauthorized()
    {
        var closedPort = "http://127.0.0.1:" + DynamoDbCompatibleServer.FreeLoopbackPort();
        using var store = await DynamoDbServerFixture.NewStoreAsync(dynamo.Options(serviceUrl: closedPort, timeoutMilliseconds: 300), Clock, createTable: false);
        var authorizer = Authorizer(store);

        var decision = await authorizer.AuthorizeAsync(Events.Request(query: new() { ["api_key"] = "some-key" }));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.StoreUnavailable, decision.ReasonCode);
        // The seed key needs the route table from the store too: still fail closed.
        Assert.Equal(ReasonCodes.StoreUnavailable, (await authorizer.AuthorizeAsync(Events.Request(query: new() { ["api_key"] = SeedKey }))).ReasonCode);
    }
}
