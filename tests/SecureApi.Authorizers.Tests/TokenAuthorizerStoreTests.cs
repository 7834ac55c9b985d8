using SecureApi.AuthorizationStore;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>
/// The TOKEN authorizer with an authorization store: after the token validated, the principal record stored under
/// {issuer}:{sub} replaces the token's roles and permissions, or disables it; no record → the token's own claims.
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
        await _store.PutPrincipalAsync(new PrincipalChange("default:user-1", ["admin"], ["read"], Disabled: true), "test");

        var decision = await Authorize(_store);

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.PrincipalDisabled, decision.ReasonCode);
    }

    [Fact]
    public async Task Principal_record_roles_and_permissions_replace_the_token_claims()
    {
        await _store.PutPrincipalAsync(new PrincipalChange("default:user-1", ["admin"], []), "test");

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
    public async Task A_token_whose_sub_equals_a_key_principals_id_shares_nothing_with_it()
    {
        // The confirmed defect: sub=ops with role user used to get the key principal ops's stored admin role.
        await _store.PutPrincipalAsync(new PrincipalChange("ops", ["admin"], ["read"]), "test");

        var decision = await Authorize(_store, sub: "ops", role: "user", arn: Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
        Assert.Equal("default:ops", decision.PrincipalId);
        Assert.Equal("user", decision.Response!.Context![AuthorizerContextKeys.Role]);
    }

    [Fact]
    public async Task A_disabled_record_of_one_issuers_subject_does_not_touch_the_same_sub_of_another_issuer()
    {
        using var other = new TokenFactory("https://other.example.test/", _tokens.Audience);
        var authorizer = new TokenAuthorizer(new TokenAuthorizerOptions
        {
            Issuer = _tokens.Issuer, Audiences = [_tokens.Audience], Jwks = _tokens.Jwks(),
            Issuers = [new() { Name = "partner", Issuer = other.Issuer, Audiences = [other.Audience], Jwks = other.Jwks() }],
        }, store: _store);
        await _store.PutPrincipalAsync(new PrincipalChange("partner:user-1", [], [], Disabled: true), "test");

        var ours = await authorizer.AuthorizeAsync(Events.Token("Bearer " + _tokens.Create(_tokens.Claims(sub: "user-1"))));
        var theirs = await authorizer.AuthorizeAsync(Events.Token("Bearer " + other.Create(other.Claims(sub: "user-1"))));

        Assert.Equal(AuthorizerOutcome.Allow, ours.Outcome);
        Assert.Equal("default:user-1", ours.PrincipalId);
        Assert.Equal(AuthorizerOutcome.Unauthorized, theirs.Outcome);
        Assert.Equal(ReasonCodes.PrincipalDisabled, theirs.ReasonCode);
    }

    [Theory]
    [InlineData("ops:admin", "default:ops:admin")]
    [InlineData("a#b", "default:a#b")]
    public async Task A_sub_with_a_colon_or_hash_is_one_identity_split_at_the_first_colon(string sub, string principalId)
    {
        await _store.PutPrincipalAsync(new PrincipalChange("ops", ["admin"], ["read"]), "test");
        await _store.PutPrincipalAsync(new PrincipalChange("default:ops", ["admin"], ["read"]), "test");

        var decision = await Authorize(_store, sub: sub, arn: Events.AdminArn);

        Assert.Equal(principalId, decision.PrincipalId);
        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome); // neither ops nor default:ops lends its admin role
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
