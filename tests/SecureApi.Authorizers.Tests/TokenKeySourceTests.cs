using System.Diagnostics;
using System.Security.Cryptography;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>Keys fetched from a loopback JWKS / OIDC discovery endpoint: caching, refresh limits, outages, header tricks.</summary>
public sealed class TokenKeySourceTests : IAsyncLifetime, IDisposable
{
    private readonly TokenFactory _tokens = new();
    private readonly HttpClient _http = new();
    private readonly ManualClock _time = new();
    private JwksServer _server = null!;

    public async Task InitializeAsync() => _server = await JwksServer.StartAsync(_tokens.Jwks());
    public async Task DisposeAsync() => await _server.DisposeAsync();
    public void Dispose()
    {
        _tokens.Dispose();
        _http.Dispose();
    }

    private TokenAuthorizer Authorizer(bool discovery = false, Action<TokenAuthorizerOptions>? configure = null)
    {
        var options = new TokenAuthorizerOptions
        {
            Issuer = _tokens.Issuer,
            Audiences = [_tokens.Audience],
            RequireHttpsMetadata = false,
            // Generous: a loaded CI host can take longer than a tight bound to answer a loopback fetch, and a fetch
            // cut short keeps the old keys (so a refetch test would miscount). The bound itself is tested below.
            KeyFetchTimeoutMs = 10_000,
            KeyRefreshMinIntervalSeconds = 60,
        };
        if (discovery) options.MetadataAddress = _server.MetadataAddress; else options.JwksUri = _server.JwksUri;
        configure?.Invoke(options);
        return new TokenAuthorizer(options, _http, _time);
    }

    private static Task<AuthorizerDecision> Authorize(TokenAuthorizer a, string token) => a.AuthorizeAsync(Events.Token("Bearer " + token));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Keys_from_jwks_uri_or_discovery_validate_tokens_and_are_cached(bool discovery)
    {
        var authorizer = Authorizer(discovery);
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create())).Outcome);
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create(alg: "ES256"))).Outcome);
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create())).Outcome);

        Assert.Equal(1, _server.JwksRequestCount);
    }

    [Fact]
    public async Task Keys_are_refetched_after_the_cache_lifetime()
    {
        var authorizer = Authorizer(configure: o => o.KeyCacheSeconds = 600);
        await Authorize(authorizer, _tokens.Create());
        _time.Advance(TimeSpan.FromSeconds(601));
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create())).Outcome);

        Assert.Equal(2, _server.JwksRequestCount);
    }

    [Fact]
    public async Task A_key_rotated_in_just_after_a_fetch_is_accepted_at_once()
    {
        var authorizer = Authorizer();
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create())).Outcome);

        // One second after the initial fetch the identity provider publishes a new key and signs with it.
        _time.Advance(TimeSpan.FromSeconds(1));
        using var rotated = RSA.Create(2048);
        _server.JwksJson = TokenFactory.JwksOf((_tokens.Rsa, _tokens.RsaKid), (rotated, "rotated"));
        var rotatedToken = TokenFactory.Sign(new() { ["alg"] = "RS256", ["kid"] = "rotated" }, _tokens.Claims(), rotated);

        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, rotatedToken)).Outcome);
        Assert.Equal(2, _server.JwksRequestCount);
    }

    [Fact]
    public async Task A_key_rotated_in_just_after_a_scheduled_refresh_is_accepted_at_once()
    {
        var authorizer = Authorizer(configure: o => o.KeyCacheSeconds = 600);
        await Authorize(authorizer, _tokens.Create());
        _time.Advance(TimeSpan.FromSeconds(601));
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create())).Outcome); // scheduled refresh

        _time.Advance(TimeSpan.FromSeconds(1));
        using var rotated = RSA.Create(2048);
        _server.JwksJson = TokenFactory.JwksOf((_tokens.Rsa, _tokens.RsaKid), (rotated, "rotated"));
        var rotatedToken = TokenFactory.Sign(new() { ["alg"] = "RS256", ["kid"] = "rotated" }, _tokens.Claims(), rotated);

        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, rotatedToken)).Outcome);
        Assert.Equal(3, _server.JwksRequestCount);
    }

    [Fact]
    public async Task A_flood_of_unknown_kids_causes_at_most_one_fetch_per_interval()
    {
        var authorizer = Authorizer();
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create())).Outcome);
        using var attacker = RSA.Create(2048);
        string Bogus(int i) => TokenFactory.Sign(new() { ["alg"] = "RS256", ["kid"] = "bogus-" + i }, _tokens.Claims(), attacker);

        for (var i = 0; i < 20; i++)
            Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(authorizer, Bogus(i))).Outcome);
        Assert.Equal(2, _server.JwksRequestCount); // the first unknown kid refreshed; the other 19 did not

        _time.Advance(TimeSpan.FromSeconds(59));
        for (var i = 20; i < 40; i++) await Authorize(authorizer, Bogus(i));
        Assert.Equal(2, _server.JwksRequestCount);

        _time.Advance(TimeSpan.FromSeconds(2));
        for (var i = 40; i < 60; i++) await Authorize(authorizer, Bogus(i));
        Assert.Equal(3, _server.JwksRequestCount);
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create())).Outcome);
    }

    public static TheoryData<string> NeverFetchingTokens => new() { "unsigned", "alg none", "malformed json", "alg not allowed", "kid is a number" };

    [Theory]
    [MemberData(nameof(NeverFetchingTokens))]
    public async Task Unsigned_or_malformed_tokens_with_unknown_kids_never_cause_a_fetch(string how)
    {
        var authorizer = Authorizer();
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create())).Outcome);
        _time.Advance(TimeSpan.FromSeconds(3000));

        for (var i = 0; i < 10; i++)
        {
            var header = new Dictionary<string, object?> { ["alg"] = "RS256", ["kid"] = "unknown-" + i };
            var token = how switch
            {
                "unsigned" => TokenFactory.Unsigned(header, _tokens.Claims()),
                "alg none" => TokenFactory.Unsigned(new() { ["alg"] = "none", ["kid"] = "unknown-" + i }, _tokens.Claims()) + "c2ln",
                "malformed json" => TokenFactory.Encode(header) + ".bm90LWpzb24." + _tokens.Create().Split('.')[2],
                "alg not allowed" => TokenFactory.Sign(new() { ["alg"] = "RS384", ["kid"] = "unknown-" + i }, _tokens.Claims(), _tokens.Rsa),
                _ => TokenFactory.Sign(new() { ["alg"] = "RS256", ["kid"] = i }, _tokens.Claims(), _tokens.Rsa),
            };
            Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(authorizer, token)).Outcome);
        }
        Assert.Equal(1, _server.JwksRequestCount);
    }

    public static TheoryData<string> ForeignIssuers => new()
    {
        "https://evil.example.test/", TokenFactory.DefaultIssuer.TrimEnd('/'), TokenFactory.DefaultIssuer.ToUpperInvariant(),
        TokenFactory.DefaultIssuer + " ", "",
    };

    [Theory]
    [MemberData(nameof(ForeignIssuers))]
    public async Task A_discovery_document_whose_issuer_differs_from_the_configured_issuer_is_not_trusted(string documentIssuer)
    {
        _server.Issuer = documentIssuer;
        var decision = await Authorize(Authorizer(discovery: true), _tokens.Create());

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.KeysUnavailable, decision.ReasonCode);
        Assert.Equal(0, _server.JwksRequestCount);
    }

    [Theory]
    [InlineData("jwks")]
    [InlineData("discovery")]
    [InlineData("jwks_uri in discovery")]
    public async Task Key_fetches_do_not_follow_redirects(string which)
    {
        var authorizer = Authorizer(which != "jwks", o =>
        {
            if (which == "jwks") o.JwksUri = _server.RedirectingJwksUri;
            if (which == "discovery") o.MetadataAddress = _server.RedirectingMetadataAddress;
        });
        if (which == "jwks_uri in discovery") _server.DiscoveryJwksUri = _server.RedirectingJwksUri;

        var decision = await Authorize(authorizer, _tokens.Create()); // _http follows redirects: the library refuses the result

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.KeysUnavailable, decision.ReasonCode);
    }

    [Fact]
    public async Task The_functions_key_fetch_client_does_not_follow_redirects()
    {
        using var http = AuthorizerFunctions.CreateKeyFetchClient();
        var options = new TokenAuthorizerOptions
        {
            Issuer = _tokens.Issuer, Audiences = [_tokens.Audience], JwksUri = _server.RedirectingJwksUri, RequireHttpsMetadata = false,
        };

        var decision = await new TokenAuthorizer(options, http, _time).AuthorizeAsync(Events.Token("Bearer " + _tokens.Create()));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(0, _server.JwksRequestCount); // the 302 was never followed
    }

    [Fact]
    public async Task A_discovery_document_with_an_http_jwks_uri_is_refused_when_https_is_required()
    {
        var requested = new List<string>();
        using var http = new HttpClient(new StubHandler(request =>
        {
            requested.Add(request.RequestUri!.AbsoluteUri);
            return request.RequestUri!.AbsolutePath == "/.well-known/openid-configuration"
                ? $$"""{"issuer":"{{_tokens.Issuer}}","jwks_uri":"http://idp.example.test/jwks.json"}"""
                : _tokens.Jwks();
        }));
        var options = new TokenAuthorizerOptions
        {
            Issuer = _tokens.Issuer, Audiences = [_tokens.Audience], MetadataAddress = "https://idp.example.test/.well-known/openid-configuration",
        };

        var decision = await new TokenAuthorizer(options, http, _time).AuthorizeAsync(Events.Token("Bearer " + _tokens.Create()));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(["https://idp.example.test/.well-known/openid-configuration"], requested);
    }

    [Fact]
    public async Task A_discovery_document_that_matches_over_https_is_used()
    {
        using var http = new HttpClient(new StubHandler(request =>
            request.RequestUri!.AbsolutePath == "/.well-known/openid-configuration"
                ? $$"""{"issuer":"{{_tokens.Issuer}}","jwks_uri":"https://idp.example.test/jwks.json"}"""
                : _tokens.Jwks()));
        var options = new TokenAuthorizerOptions
        {
            Issuer = _tokens.Issuer, Audiences = [_tokens.Audience], MetadataAddress = "https://idp.example.test/.well-known/openid-configuration",
        };

        var decision = await new TokenAuthorizer(options, http, _time).AuthorizeAsync(Events.Token("Bearer " + _tokens.Create()));
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
    }

    /// <summary>Answers every request in memory (no network): https URLs without a TLS server.</summary>
    private sealed class StubHandler(Func<HttpRequestMessage, string> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new StringContent(answer(request), System.Text.Encoding.UTF8, "application/json"),
            });
    }

    public static TheoryData<string> HeaderTricks => new() { "jku", "x5u", "jwk", "kid-url", "kid-traversal", "jku+jwk+kid" };

    [Theory]
    [MemberData(nameof(HeaderTricks))]
    public async Task Header_parameters_pointing_elsewhere_are_never_fetched_or_trusted(string trick)
    {
        using var attacker = RSA.Create(2048);
        var foreignUrl = _server.BaseUrl + "/attacker/keys.json";
        var attackerJwk = System.Text.Json.JsonDocument.Parse(TokenFactory.JwksOf((attacker, "attacker"))).RootElement.GetProperty("keys")[0];
        var jwkObject = attackerJwk.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.GetString());
        var header = new Dictionary<string, object?> { ["alg"] = "RS256" };
        switch (trick)
        {
            case "jku": header["jku"] = foreignUrl; header["kid"] = "attacker"; break;
            case "x5u": header["x5u"] = foreignUrl; header["kid"] = "attacker"; break;
            case "jwk": header["jwk"] = jwkObject; break;
            case "kid-url": header["kid"] = foreignUrl; break;
            case "kid-traversal": header["kid"] = "../../attacker/keys.json"; break;
            default: header["jku"] = foreignUrl; header["jwk"] = jwkObject; header["kid"] = "attacker"; break;
        }
        var token = TokenFactory.Sign(header, _tokens.Claims(), attacker);

        var decision = await Authorize(Authorizer(), token);

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.DoesNotContain(_server.RequestedPaths, p => p.Contains("attacker", StringComparison.Ordinal));
        Assert.All(_server.RequestedPaths, p => Assert.Equal("/jwks.json", p));
    }

    [Theory]
    [InlineData(JwksServerMode.Down)]
    [InlineData(JwksServerMode.Slow)]
    [InlineData(JwksServerMode.Garbage)]
    public async Task Key_endpoint_down_slow_or_garbage_is_unauthorized_within_the_bound(JwksServerMode mode)
    {
        _server.Mode = mode;
        foreach (var discovery in new[] { false, true })
        {
            var authorizer = Authorizer(discovery, o => o.KeyFetchTimeoutMs = 500);
            // Slow answers after 30 s with good keys: only the 500 ms fetch bound turns it into a refusal.
            var decision = await Authorize(authorizer, _tokens.Create());

            Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
            Assert.Equal(ReasonCodes.KeysUnavailable, decision.ReasonCode);
        }
    }

    [Fact]
    public async Task Key_endpoint_refusing_connections_is_unauthorized()
    {
        var closedPort = _server.BaseUrl;
        await _server.DisposeAsync();
        var options = new TokenAuthorizerOptions
        {
            Issuer = _tokens.Issuer, Audiences = [_tokens.Audience], JwksUri = closedPort + "/jwks.json", RequireHttpsMetadata = false,
        };
        _server = await JwksServer.StartAsync(); // for DisposeAsync

        var decision = await new TokenAuthorizer(options, _http, _time).AuthorizeAsync(Events.Token("Bearer " + _tokens.Create()));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    [Fact]
    public async Task Key_endpoint_outage_after_a_good_fetch_keeps_the_last_good_keys()
    {
        var authorizer = Authorizer(configure: o => o.KeyCacheSeconds = 600);
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create())).Outcome);
        _server.Mode = JwksServerMode.Garbage;
        _time.Advance(TimeSpan.FromSeconds(601));
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _tokens.Create())).Outcome);
        Assert.Equal(2, _server.JwksRequestCount);
    }

    [Fact]
    public async Task Caller_cancellation_is_unauthorized_not_an_exception()
    {
        _server.Mode = JwksServerMode.Slow;
        var authorizer = Authorizer(configure: o => o.KeyFetchTimeoutMs = 20000);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var decision = await authorizer.AuthorizeAsync(Events.Token("Bearer " + _tokens.Create()), cts.Token);
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }
}
