using Microsoft.Extensions.Configuration;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>Several trusted issuers: settings, selection by iss before anything else, one key cache per issuer.</summary>
public sealed class IssuerRegistryTests : IAsyncLifetime, IDisposable
{
    private const string TenantA = "11111111-1111-1111-1111-111111111111";
    private const string TenantB = "22222222-2222-2222-2222-222222222222";
    private readonly TokenFactory _a = new("https://a.example.test/", "api-a");
    private readonly TokenFactory _b = new("https://b.example.test/", "api-b"); // same kids as _a ("rsa-1", "ec-1"), other keys
    private readonly HttpClient _http = new();
    private JwksServer _serverA = null!, _serverB = null!;

    public async Task InitializeAsync()
    {
        _serverA = await JwksServer.StartAsync(_a.Jwks());
        _serverB = await JwksServer.StartAsync(_b.Jwks());
    }

    public async Task DisposeAsync()
    {
        await _serverA.DisposeAsync();
        await _serverB.DisposeAsync();
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _http.Dispose();
    }

    private static TokenAuthorizerOptions FromSettings(Dictionary<string, string?> values) =>
        TokenAuthorizerOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(values.ToDictionary(kv => "TokenAuthorizer:" + kv.Key, kv => kv.Value)).Build()
            .GetSection(TokenAuthorizerOptions.SectionName));

    private TokenAuthorizer Remote(Action<TokenAuthorizerOptions>? configure = null)
    {
        var options = new TokenAuthorizerOptions
        {
            RequireHttpsMetadata = false,
            KeyFetchTimeoutMs = 10_000,
            Issuers =
            [
                new() { Name = "a", Issuer = _a.Issuer, Audiences = [_a.Audience], JwksUri = _serverA.JwksUri },
                new() { Name = "b", Issuer = _b.Issuer, Audiences = [_b.Audience], JwksUri = _serverB.JwksUri },
            ],
        };
        configure?.Invoke(options);
        return new TokenAuthorizer(options, _http);
    }

    private static Task<AuthorizerDecision> Authorize(TokenAuthorizer authorizer, string token) =>
        authorizer.AuthorizeAsync(Events.Token("Bearer " + token));

    [Fact]
    public void Issuers_bind_from_numbered_settings_next_to_the_single_issuer_settings_named_default()
    {
        var options = FromSettings(new()
        {
            ["Issuer"] = "https://idp.example/", ["Audiences"] = "app", ["JwksUri"] = "https://idp.example/jwks",
            ["Issuers:0:Name"] = "workforce", ["Issuers:0:Profile"] = "entra", ["Issuers:0:TenantIds"] = TenantA,
            ["Issuers:0:Audiences"] = "api://app", ["Issuers:0:MetadataAddress"] = $"https://login.microsoftonline.com/{TenantA}/v2.0/.well-known/openid-configuration",
            ["Issuers:0:StepUpAcrs"] = "c1", ["Issuers:1:Name"] = "customers", ["Issuers:1:Issuer"] = "https://customers.example/",
            ["Issuers:1:Audiences"] = "app", ["Issuers:1:Jwks"] = """{"keys":[]}""", ["Issuers:1:RoleClaims"] = "https://example.com/roles",
        });

        Assert.Empty(options.Validate());
        Assert.Equal(["default", "workforce", "customers"], options.AllIssuers().Select(i => i.Name));
        var workforce = options.Issuers[0];
        Assert.Equal("entra", workforce.Profile);
        Assert.Equal([TenantA], workforce.TenantIds);
        Assert.Equal(["c1"], workforce.StepUpAcrs);
        Assert.Equal(["https://example.com/roles"], options.Issuers[1].RoleClaims);
        Assert.Equal([$"https://login.microsoftonline.com/{TenantA}/v2.0", $"https://sts.windows.net/{TenantA}/"],
            workforce.AcceptedIssuers().Select(a => a.Iss));
    }

    public static TheoryData<string, Dictionary<string, string?>, string> BadRegistries => new()
    {
        { "two key sources", new() { ["Issuers:0:Name"] = "a", ["Issuers:0:Issuer"] = "https://a/", ["Issuers:0:Audiences"] = "x",
            ["Issuers:0:JwksUri"] = "https://a/jwks", ["Issuers:0:Jwks"] = """{"keys":[]}""" },
            "Exactly one key source is required: TokenAuthorizer__Issuers__0__MetadataAddress, TokenAuthorizer__Issuers__0__JwksUri or TokenAuthorizer__Issuers__0__Jwks (found 2)" },
        { "no key source", new() { ["Issuers:0:Name"] = "a", ["Issuers:0:Issuer"] = "https://a/", ["Issuers:0:Audiences"] = "x" }, "TokenAuthorizer__Issuers__0__MetadataAddress" },
        { "bad name", new() { ["Issuers:0:Name"] = "Okta_Prod", ["Issuers:0:Issuer"] = "https://a/", ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "https://a/j" },
            "TokenAuthorizer__Issuers__0__Name must be 1–32 characters of a-z, 0-9 and -" },
        { "name with a colon", new() { ["Issuers:0:Name"] = "a:b", ["Issuers:0:Issuer"] = "https://a/", ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "https://a/j" },
            "TokenAuthorizer__Issuers__0__Name must be" },
        { "missing name", new() { ["Issuers:0:Issuer"] = "https://a/", ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "https://a/j" }, "TokenAuthorizer__Issuers__0__Name must be" },
        { "duplicate name", new() { ["Issuers:0:Name"] = "a", ["Issuers:0:Issuer"] = "https://a/", ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "https://a/j",
            ["Issuers:1:Name"] = "a", ["Issuers:1:Issuer"] = "https://b/", ["Issuers:1:Audiences"] = "x", ["Issuers:1:JwksUri"] = "https://b/j" },
            "TokenAuthorizer__Issuers__1__Name 'a' is already the name of another issuer" },
        { "listed name default next to the single-issuer settings", new() { ["Issuer"] = "https://d/", ["Audiences"] = "x", ["JwksUri"] = "https://d/j",
            ["Issuers:0:Name"] = "default", ["Issuers:0:Issuer"] = "https://a/", ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "https://a/j" },
            "TokenAuthorizer__Issuers__0__Name 'default' is already the name of another issuer" },
        { "same iss twice", new() { ["Issuers:0:Name"] = "a", ["Issuers:0:Issuer"] = "https://a/", ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "https://a/j",
            ["Issuers:1:Name"] = "b", ["Issuers:1:Issuer"] = "https://a/", ["Issuers:1:Audiences"] = "y", ["Issuers:1:JwksUri"] = "https://b/j" },
            "TokenAuthorizer__Issuers__1__Issuer 'https://a/' is already accepted by TokenAuthorizer__Issuers__0__" },
        { "unknown profile", new() { ["Issuers:0:Name"] = "a", ["Issuers:0:Issuer"] = "https://a/", ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "https://a/j",
            ["Issuers:0:Profile"] = "ping" }, "TokenAuthorizer__Issuers__0__Profile must be one of generic, entra, okta, auth0, cognito, keycloak, google" },
        { "entra without tenants", new() { ["Issuers:0:Name"] = "e", ["Issuers:0:Profile"] = "entra", ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "https://a/j" },
            "TokenAuthorizer__Issuers__0__TenantIds is required for the entra profile" },
        { "entra any-tenant issuer", new() { ["Issuers:0:Name"] = "e", ["Issuers:0:Profile"] = "entra", ["Issuers:0:Issuer"] = "https://login.microsoftonline.com/common/v2.0",
            ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "https://a/j" }, "TokenAuthorizer__Issuers__0__Issuer of the entra profile must name one tenant" },
        { "entra tenant not a guid", new() { ["Issuers:0:Name"] = "e", ["Issuers:0:Profile"] = "entra", ["Issuers:0:TenantIds"] = "common",
            ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "https://a/j" }, "TokenAuthorizer__Issuers__0__TenantIds contains 'common'" },
        { "http key source", new() { ["Issuers:0:Name"] = "a", ["Issuers:0:Issuer"] = "https://a/", ["Issuers:0:Audiences"] = "x", ["Issuers:0:JwksUri"] = "http://a/j" },
            "TokenAuthorizer__Issuers__0__JwksUri must use https" },
    };

    [Theory]
    [MemberData(nameof(BadRegistries))]
    public void A_bad_registry_entry_is_a_start_up_error_naming_the_field(string _, Dictionary<string, string?> values, string expected)
    {
        var thrown = Assert.Throws<AuthorizerConfigurationException>(() => new TokenAuthorizer(FromSettings(values), new HttpClient()));
        Assert.Contains(expected, thrown.Message);
    }

    [Fact]
    public async Task Each_issuers_tokens_are_verified_with_its_own_keys_and_no_keys_are_fetched_before_its_first_token()
    {
        var authorizer = Remote();
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _a.Create())).Outcome);
        Assert.Equal(0, _serverB.JwksRequestCount);

        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _b.Create())).Outcome);
        Assert.Equal(1, _serverA.JwksRequestCount);
        Assert.Equal(1, _serverB.JwksRequestCount);
    }

    [Fact]
    public async Task A_token_with_the_iss_of_a_signed_with_the_keys_of_b_is_refused_although_both_publish_the_same_kid()
    {
        var authorizer = Remote();
        await Authorize(authorizer, _b.Create()); // b's keys (kid rsa-1) are cached

        var claims = _b.Claims();
        claims["iss"] = _a.Issuer;
        claims["aud"] = _a.Audience;
        var decision = await Authorize(authorizer, _b.Create(claims)); // iss of a, kid rsa-1, signed by b

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.InvalidSignature, decision.ReasonCode);
    }

    [Theory]
    [InlineData("https://c.example.test/")]
    [InlineData("https://A.example.test/")]
    [InlineData("https://a.example.test")]
    public async Task An_unknown_iss_is_refused_without_any_network_request(string iss)
    {
        var authorizer = Remote();
        var claims = _a.Claims();
        claims["iss"] = iss;
        var decision = await Authorize(authorizer, _a.Create(claims));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.UnknownIssuer, decision.ReasonCode);
        Assert.Empty(_serverA.RequestedPaths);
        Assert.Empty(_serverB.RequestedPaths);
    }

    [Fact]
    public async Task A_token_without_iss_or_with_iss_twice_or_not_a_string_is_refused_as_unknown_issuer()
    {
        var authorizer = Remote();
        var noIss = _a.Claims();
        noIss.Remove("iss");
        var numeric = _a.Claims();
        numeric["iss"] = 42;
        var twice = Base64Url("""{"iss":"https://c.example.test/","sub":"x","iss":"https://a.example.test/","exp":4102444800}""");

        Assert.Equal(ReasonCodes.UnknownIssuer, (await Authorize(authorizer, _a.Create(noIss))).ReasonCode);
        Assert.Equal(ReasonCodes.UnknownIssuer, (await Authorize(authorizer, _a.Create(numeric))).ReasonCode);
        Assert.Equal(ReasonCodes.UnknownIssuer, (await Authorize(authorizer, $"eyJhbGciOiJSUzI1NiJ9.{twice}.c2ln")).ReasonCode);
        Assert.Empty(_serverA.RequestedPaths);
    }

    [Fact]
    public async Task An_escaped_iss_selects_the_same_issuer_as_its_plain_form()
    {
        // JSON allows "\/" for "/": the selection compares the unescaped value, as the validation does.
        var authorizer = Remote();
        var token = _a.Create();
        var parts = token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace("https://a.example.test/", @"https:\/\/a.example.test\/", StringComparison.Ordinal);
        var decision = await Authorize(authorizer, $"{parts[0]}.{Base64Url(payload)}.{parts[2]}");

        Assert.Equal(ReasonCodes.InvalidSignature, decision.ReasonCode); // selected and checked against a's keys, not unknown
    }

    [Fact]
    public async Task The_single_issuer_settings_keep_working_as_the_issuer_named_default()
    {
        var options = new TokenAuthorizerOptions { Issuer = _a.Issuer, Audiences = [_a.Audience], Jwks = _a.Jwks() };
        Assert.Equal(["default"], options.AllIssuers().Select(i => i.Name));
        var decision = await Authorize(new TokenAuthorizer(options), _a.Create());
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
    }

    [Theory]
    [InlineData($"https://login.microsoftonline.com/{TenantA}/v2.0", TenantA, AuthorizerOutcome.Allow)]
    [InlineData($"https://sts.windows.net/{TenantA}/", TenantA, AuthorizerOutcome.Allow)]
    [InlineData($"https://login.microsoftonline.com/{TenantB}/v2.0", TenantB, AuthorizerOutcome.Unauthorized)] // tenant not listed
    [InlineData("https://login.microsoftonline.com/common/v2.0", TenantA, AuthorizerOutcome.Unauthorized)]
    [InlineData("https://login.microsoftonline.com/{tenantid}/v2.0", TenantA, AuthorizerOutcome.Unauthorized)]
    public async Task An_entra_entry_accepts_the_v1_and_v2_issuers_of_its_listed_tenants_only(string iss, string tid, AuthorizerOutcome expected)
    {
        using var entra = new TokenFactory(iss, "api://secure-api");
        var options = new TokenAuthorizerOptions
        {
            Issuers = [new() { Name = "entra", Profile = "entra", TenantIds = [TenantA], Audiences = ["api://secure-api"], Jwks = entra.Jwks() }],
        };
        var claims = entra.Claims();
        claims["tid"] = tid;
        claims["scp"] = "read"; // entra's permissions claim
        var decision = await Authorize(new TokenAuthorizer(options), entra.Create(claims));

        Assert.Equal(expected, decision.Outcome);
        if (expected == AuthorizerOutcome.Unauthorized) Assert.Equal(ReasonCodes.UnknownIssuer, decision.ReasonCode);
    }

    [Fact]
    public void An_entra_entry_may_name_its_tenants_v2_issuer_and_list_the_same_tenant()
    {
        var options = new TokenAuthorizerOptions
        {
            Issuers = [new() { Name = "entra", Profile = "entra", Issuer = $"https://login.microsoftonline.com/{TenantA}/v2.0", TenantIds = [TenantA, TenantB],
                Audiences = ["api://secure-api"], JwksUri = "https://login.microsoftonline.com/common/discovery/v2.0/keys" }],
        };

        Assert.Empty(options.Validate());
        Assert.Equal(4, options.Issuers[0].AcceptedIssuers().Count());
    }

    private static string Base64Url(string json) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(json);
}
