using Microsoft.Extensions.Configuration;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>
/// The run-time issuer registry end to end against real OpenID providers (oidc-provider on loopback HTTPS): an issuer
/// that exists only in the store, written with the store API behind PUT/DELETE /protected/admin/issuers/{name}, read
/// by the TOKEN authorizer as the deployed function reads its registry (TokenAuthorizer and AuthorizationStore
/// settings, the issuer store beside the authorization store), on the in-memory store and on moto's DynamoDB.
/// Requests are counted at the providers.
/// </summary>
[Trait("Category", "Integration")]
public abstract class StoredIssuerOidcProviderTests : IAsyncLifetime
{
    private const int CacheSeconds = 10;
    private const string Name = "partner";
    private static readonly AuditActor Admin = "admin";
    private readonly TokenFactory _configured = new("https://configured.example.test/", "secure-api");
    private readonly List<IDisposable> _owned = [];
    private OidcProviderCounterparts _idps = null!;

    protected ManualClock Clock { get; } = new();

    public async Task InitializeAsync() => _idps = await OidcProviderCounterparts.StartAsync(2);

    public async Task DisposeAsync()
    {
        await _idps.DisposeAsync();
        _configured.Dispose();
        foreach (var owned in _owned) owned.Dispose();
    }

    /// <summary>AuthorizationStore__… beyond CacheSeconds (a table on the server, or nothing for the in-memory store).</summary>
    protected abstract Dictionary<string, string?> StoreSettings();

    /// <summary>The function's authorization store for these settings.</summary>
    protected abstract Task<IAuthorizationStore> StoreAsync(AuthorizationStoreOptions options);

    /// <summary>The registry the admin API writes to: the API process's own (DynamoDB) or the one process's (in-memory).</summary>
    protected abstract IIssuerStore AdminStore(AuthorizationStoreOptions options, IIssuerStore authorizers);

    protected T Owned<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>The TOKEN authorizer wired as AuthorizerFunctions.CreateTokenFunction wires it, on the manual clock and the providers' trust.</summary>
    private async Task<(TokenAuthorizer Authorizer, IIssuerStore Admin)> DeployAsync()
    {
        var settings = new Dictionary<string, string?>(StoreSettings())
        {
            ["AuthorizationStore:CacheSeconds"] = CacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TokenAuthorizer:Issuer"] = _configured.Issuer,
            ["TokenAuthorizer:Audiences:0"] = _configured.Audience,
            ["TokenAuthorizer:Jwks"] = _configured.Jwks(),
            ["TokenAuthorizer:KeyFetchTimeoutMs"] = "10000", // a loaded CI host; the bound itself is tested elsewhere
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = TokenAuthorizerOptions.FromConfiguration(configuration.GetSection(TokenAuthorizerOptions.SectionName));
        var storeOptions = AuthorizationStoreOptions.FromConfiguration(configuration.GetSection(AuthorizationStoreOptions.SectionName));
        var store = await StoreAsync(storeOptions);
        var issuers = IssuerStoreFactory.Create(storeOptions, Clock, store);
        var authorizer = new TokenAuthorizer(options, _idps.Http, Clock, decisionLog: null, store, issuers, storeOptions.CacheDuration);
        return (authorizer, AdminStore(storeOptions, issuers));
    }

    private async Task<IssuerEntry> EntryAsync(string keySource)
    {
        var entry = new IssuerEntry { Name = Name, Issuer = _idps.Issuers[0], Audiences = ["secure-api"] };
        entry = keySource == "metadataAddress"
            ? entry with { MetadataAddress = _idps.Issuers[0] + "/.well-known/openid-configuration" }
            : entry with { JwksUri = await _idps.JwksUriAsync(0) };
        Assert.Empty(IssuerRules.Validate(entry, null, field => field, requireHttps: true)); // what PUT accepts
        return entry;
    }

    private static Task<AuthorizerDecision> Authorize(TokenAuthorizer authorizer, string token) =>
        authorizer.AuthorizeAsync(Events.Token("Bearer " + token));

    [Theory]
    [InlineData("metadataAddress")]
    [InlineData("jwksUri")]
    public async Task A_provider_registered_only_in_the_store_is_trusted_with_keys_fetched_over_https_and_refused_once_deleted(string keySource)
    {
        var (authorizer, admin) = await DeployAsync();
        var token = await _idps.AccessTokenAsync(0);
        var unregistered = await Authorize(authorizer, token);
        await admin.PutIssuerAsync(await EntryAsync(keySource), Admin);
        Clock.Advance(TimeSpan.FromSeconds(CacheSeconds));
        var before = await _idps.RequestsBesidesTokensAsync(0);

        var allowed = await Authorize(authorizer, token);
        var fetched = await _idps.RequestsBesidesTokensAsync(0) - before;
        await admin.DeleteIssuerAsync(Name, Admin);
        var withinWindow = await Authorize(authorizer, token);
        Clock.Advance(TimeSpan.FromSeconds(CacheSeconds));
        var removed = await Authorize(authorizer, token);

        Assert.Equal(ReasonCodes.UnknownIssuer, unregistered.ReasonCode);
        Assert.Equal(AuthorizerOutcome.Allow, allowed.Outcome);
        Assert.Equal($"{Name}:{OidcProviderCounterparts.ClientId}", allowed.PrincipalId);
        Assert.Equal(Name, allowed.Response!.Context![AuthorizerContextKeys.Issuer]);
        Assert.True(fetched > 0, "the keys came from the provider");
        Assert.Equal(AuthorizerOutcome.Allow, withinWindow.Outcome); // the bound is the cache window
        Assert.Equal(AuthorizerOutcome.Unauthorized, removed.Outcome);
        Assert.Equal(ReasonCodes.UnknownIssuer, removed.ReasonCode);
    }

    [Fact]
    public async Task A_token_of_an_unregistered_provider_is_refused_without_any_request_to_either_provider()
    {
        var (authorizer, admin) = await DeployAsync();
        await admin.PutIssuerAsync(await EntryAsync("metadataAddress"), Admin);
        var stranger = await _idps.AccessTokenAsync(1);
        var before = (await _idps.RequestsBesidesTokensAsync(0), await _idps.RequestsBesidesTokensAsync(1));

        var decision = await Authorize(authorizer, stranger);

        Assert.Equal(ReasonCodes.UnknownIssuer, decision.ReasonCode);
        Assert.Equal(before, (await _idps.RequestsBesidesTokensAsync(0), await _idps.RequestsBesidesTokensAsync(1)));
    }
}

[Trait("Category", "Integration")] // starts oidc-provider
public sealed class StoredIssuerOidcProviderInMemoryTests : StoredIssuerOidcProviderTests
{
    protected override Dictionary<string, string?> StoreSettings() => [];

    protected override Task<IAuthorizationStore> StoreAsync(AuthorizationStoreOptions options) =>
        Task.FromResult(AuthorizationStoreFactory.Create(options, Clock));

    protected override IIssuerStore AdminStore(AuthorizationStoreOptions options, IIssuerStore authorizers) => authorizers;
}

[Trait("Category", "Integration")] // starts oidc-provider and uses a moto server
[Collection(DynamoDbCollection.Name)]
public sealed class StoredIssuerOidcProviderDynamoDbTests(DynamoDbServerFixture dynamo) : StoredIssuerOidcProviderTests
{
    protected override Dictionary<string, string?> StoreSettings()
    {
        var options = dynamo.Options();
        return new()
        {
            ["AuthorizationStore:TableName"] = options.TableName, ["AuthorizationStore:ServiceUrl"] = options.ServiceUrl,
            ["AuthorizationStore:Region"] = options.Region,
        };
    }

    // AuthorizationStoreFactory.Create with the server's credentials instead of the environment's (tests set no
    // process-wide variables); the table is made here, as CloudFormation makes it for the function.
    protected override async Task<IAuthorizationStore> StoreAsync(AuthorizationStoreOptions options) =>
        Owned(new CachingAuthorizationStore(Owned(await DynamoDbServerFixture.NewStoreAsync(options, Clock)), options.CacheDuration, Clock));

    protected override IIssuerStore AdminStore(AuthorizationStoreOptions options, IIssuerStore authorizers) =>
        new DynamoDbIssuerStore(Owned(dynamo.Client(options)), options, Clock);
}
