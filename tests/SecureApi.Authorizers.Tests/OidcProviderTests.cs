namespace SecureApi.Authorizers.Tests;

/// <summary>
/// The issuer registry against real OpenID providers (oidc-provider, loopback HTTPS, discovery and JWKS fetched as in
/// production): three issuers that all sign under the kid "shared", two of them registered.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OidcProviderTests : IAsyncLifetime
{
    private OidcProviderCounterparts _idps = null!;

    public async Task InitializeAsync() => _idps = await OidcProviderCounterparts.StartAsync(3);
    public async Task DisposeAsync() => await _idps.DisposeAsync();

    private TokenAuthorizer Registry(string? alphaJwksFromBeta = null) => new(new TokenAuthorizerOptions
    {
        KeyFetchTimeoutMs = 10_000, // a loaded CI host; the bound itself is tested elsewhere
        Issuers =
        [
            alphaJwksFromBeta is null
                ? new() { Name = "alpha", Issuer = _idps.Issuers[0], Audiences = ["secure-api"], MetadataAddress = _idps.Issuers[0] + "/.well-known/openid-configuration" }
                : new() { Name = "alpha", Issuer = _idps.Issuers[0], Audiences = ["secure-api"], JwksUri = alphaJwksFromBeta },
            new() { Name = "beta", Issuer = _idps.Issuers[1], Audiences = ["secure-api"], MetadataAddress = _idps.Issuers[1] + "/.well-known/openid-configuration" },
        ],
    }, _idps.Http);

    private static Task<AuthorizerDecision> Authorize(TokenAuthorizer authorizer, string token) =>
        authorizer.AuthorizeAsync(Events.Token("Bearer " + token));

    [Fact]
    public async Task Each_registered_providers_token_is_allowed_and_the_same_sub_is_two_identities()
    {
        var authorizer = Registry();

        var alpha = await Authorize(authorizer, await _idps.AccessTokenAsync(0));
        var beta = await Authorize(authorizer, await _idps.AccessTokenAsync(1));

        Assert.Equal(AuthorizerOutcome.Allow, alpha.Outcome);
        Assert.Equal(AuthorizerOutcome.Allow, beta.Outcome);
        Assert.Equal("alpha:" + OidcProviderCounterparts.ClientId, alpha.PrincipalId);
        Assert.Equal("beta:" + OidcProviderCounterparts.ClientId, beta.PrincipalId);
        Assert.Equal("beta", beta.Response!.Context![AuthorizerContextKeys.Issuer]);
    }

    [Fact]
    public async Task A_token_with_the_iss_of_alpha_is_never_verified_with_the_keys_of_beta_despite_the_shared_kid()
    {
        var misconfigured = Registry(alphaJwksFromBeta: await _idps.JwksUriAsync(1));

        var decision = await Authorize(misconfigured, await _idps.AccessTokenAsync(0));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.InvalidSignature, decision.ReasonCode);
    }

    [Fact]
    public async Task A_token_of_an_unregistered_provider_is_refused_as_unknown_issuer()
    {
        var decision = await Authorize(Registry(), await _idps.AccessTokenAsync(2));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.UnknownIssuer, decision.ReasonCode);
    }
}
