using SecureApi.AuthorizationStore;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>
/// The TOKEN authorizer with an authorization store: after the token validated, a principal record for its sub
/// replaces the token's roles and permissions, or disables it; no record → the token's own claims.
/// </summary>
public sealed class TokenAuthorizerStoreTests : IDisposable
{
    private readonly TokenFactory _tokens = new();
    private readonly InMemoryAuthorizationStore _store = new();

    public void Dispose() => _tokens.Dispose();

    private TokenAuthorizer Authorizer(IAuthorizationStore store) =>
        new(new TokenAuthorizerOptions { Issuer = _tokens.Issuer, Audiences = [_tokens.Audience], Jwks = _tokens.Jwks() }, store: store);

    private Task<AuthorizerDecision> Authorize(IAuthorizationStore store, string sub = "user-1", string arn = Events.ProtectedArn, string? role = null) =>
        Authorizer(store).AuthorizeAsync(Events.Token("Bearer " + _tokens.Create(_tokens.Claims(sub: sub, scope: "read", role: role)), arn));

    [Fact]
    public async Task Token_whose_sub_has_a_disabled_principal_record_is_unauthorized()
    {
        await _store.PutPrincipalAsync(new PrincipalChange("user-1", ["admin"], ["read"], Disabled: true), "test");

        var decision = await Authorize(_store);

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.PrincipalDisabled, decision.ReasonCode);
    }

    [Fact]
    public async Task Principal_record_roles_and_permissions_replace_the_token_claims()
    {
        await _store.PutPrincipalAsync(new PrincipalChange("user-1", ["admin"], []), "test");

        var admin = await Authorize(_store, arn: Events.AdminArn);
        var protectedRoute = await Authorize(_store);

        Assert.Equal(AuthorizerOutcome.Allow, admin.Outcome);
        Assert.Equal("admin", admin.Response!.Context![AuthorizerContextKeys.Role]);
        Assert.Equal("", admin.Response.Context[AuthorizerContextKeys.Permissions]);
        Assert.Equal(AuthorizerOutcome.Deny, protectedRoute.Outcome); // the token's "read" scope no longer counts
    }

    [Fact]
    public async Task Token_without_a_principal_record_keeps_its_own_claims()
    {
        var decision = await Authorize(_store, sub: "someone-else", role: "admin", arn: Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("read", decision.Response!.Context![AuthorizerContextKeys.Permissions]);
    }

    [Fact]
    public async Task Stored_route_table_applies_to_tokens()
    {
        await _store.PutRouteRulesAsync(new RouteRules([new RouteRule("GET", "/protected", RequiredPermission: "write")]), "test");

        var decision = await Authorize(_store);

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
        Assert.Single(Events.Effects(decision));
    }

    [Fact]
    public async Task Store_error_makes_a_valid_token_unauthorized()
    {
        var decision = await Authorize(new FailingStore(new AuthorizationStoreUnavailableException("down")));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.StoreUnavailable, decision.ReasonCode);
    }
}
