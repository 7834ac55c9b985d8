using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>
/// Each profile against tokens shaped exactly as that identity provider issues them (claim names, JSON types,
/// nesting), and one row per rejection path of the profile.
/// </summary>
public sealed partial class IssuerProfileTests
{
    private const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string OtherTenant = "9188040d-6c67-4c5b-b112-36a304b66dad";
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private static readonly TokenFactory Keys = new(); // one key pair; each test's issuer entry trusts its JWKS

    private static async Task<AuthorizerDecision> Decide(TokenIssuerOptions issuer, Dictionary<string, object?> claims, string arn = Events.ProtectedArn)
    {
        issuer.Name ??= "idp";
        issuer.Jwks = Keys.Jwks();
        var authorizer = new TokenAuthorizer(new TokenAuthorizerOptions { Issuers = [issuer] });
        return await authorizer.AuthorizeAsync(Events.Token("Bearer " + Keys.Create(claims), arn));
    }

    private static string Context(AuthorizerDecision d, string key) => (string)d.Response!.Context![key]!;

    // ---- Okta -----------------------------------------------------------------------------------------------------

    private static Dictionary<string, object?> OktaAccess(Action<Dictionary<string, object?>>? change = null)
    {
        var c = new Dictionary<string, object?>
        {
            ["ver"] = 1, ["jti"] = "AT.0mP4JKAZX1iACIT4vf9mJKAZX1iACIT4", ["iss"] = "https://dev-133337.okta.com/oauth2/default",
            ["aud"] = "api://default", ["iat"] = Now, ["exp"] = Now + 3600, ["cid"] = "0oa1yj7b1bOp2g1rX4x7", ["uid"] = "00u1yj6q1fWxa2UCa4x7",
            ["scp"] = new[] { "openid", "read" }, ["auth_time"] = Now - 10, ["sub"] = "alice@example.com", ["groups"] = new[] { "Everyone", "admin" },
        };
        change?.Invoke(c);
        return c;
    }

    private static TokenIssuerOptions Okta() => new() { Profile = "okta", Issuer = "https://dev-133337.okta.com/oauth2/default", Audiences = ["api://default"] };

    [Fact]
    public async Task Okta_access_token_gives_roles_from_groups_and_permissions_from_the_scp_array()
    {
        var decision = await Decide(Okta(), OktaAccess(), Events.AdminArn);
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("Everyone,admin", Context(decision, "role"));
        Assert.Equal("openid,read", Context(decision, "permissions"));
    }

    [Fact]
    public async Task Okta_values_are_exact_a_group_named_Admin_is_not_admin()
    {
        var decision = await Decide(Okta(), OktaAccess(c => c["groups"] = new[] { "Admin", " admin" }), Events.AdminArn);
        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
    }

    // ---- Auth0 ----------------------------------------------------------------------------------------------------

    private static Dictionary<string, object?> Auth0Access(Action<Dictionary<string, object?>>? change = null)
    {
        var c = new Dictionary<string, object?>
        {
            ["https://secure-api.example.com/roles"] = new[] { "admin" }, ["iss"] = "https://secure-api.eu.auth0.com/",
            ["sub"] = "auth0|65f1c0ffee", ["aud"] = new[] { "https://api.secure-api.example.com", "https://secure-api.eu.auth0.com/userinfo" },
            ["iat"] = Now, ["exp"] = Now + 86400, ["scope"] = "openid profile email", ["azp"] = "kbyuFDidLLm280LIwVFiazOqjO3ty8KH",
            ["permissions"] = new[] { "read", "write:things" },
        };
        change?.Invoke(c);
        return c;
    }

    private static TokenIssuerOptions Auth0(List<string>? roleClaims = null) =>
        new() { Profile = "auth0", Issuer = "https://secure-api.eu.auth0.com/", Audiences = ["https://api.secure-api.example.com"], RoleClaims = roleClaims };

    [Fact]
    public async Task Auth0_access_token_gives_permissions_from_permissions_and_roles_only_from_the_namespaced_claim_named_in_RoleClaims()
    {
        var mapped = await Decide(Auth0(["https://secure-api.example.com/roles"]), Auth0Access(), Events.AdminArn);
        var unmapped = await Decide(Auth0(), Auth0Access(), Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Allow, mapped.Outcome);
        Assert.Equal("read,write:things", Context(mapped, "permissions")); // not the scope claim's openid/profile/email
        Assert.Equal(AuthorizerOutcome.Deny, unmapped.Outcome);
        Assert.Equal("", Context(unmapped, "role"));
    }

    // ---- Cognito --------------------------------------------------------------------------------------------------

    private const string CognitoIssuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI";

    private static Dictionary<string, object?> CognitoAccess(Action<Dictionary<string, object?>>? change = null)
    {
        var c = new Dictionary<string, object?>
        {
            ["sub"] = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", ["cognito:groups"] = new[] { "admin" }, ["iss"] = CognitoIssuer,
            ["version"] = 2, ["client_id"] = "3n4b5urk1ft4fl3mg5e62d9ado", ["origin_jti"] = "bbbbbbbb-cccc-dddd-eeee-ffffffffffff",
            ["event_id"] = "cccccccc-dddd-eeee-ffff-aaaaaaaaaaaa", ["token_use"] = "access", ["scope"] = "read aws.cognito.signin.user.admin",
            ["auth_time"] = Now - 5, ["exp"] = Now + 3600, ["iat"] = Now, ["jti"] = "dddddddd-eeee-ffff-aaaa-bbbbbbbbbbbb", ["username"] = "alice",
        };
        change?.Invoke(c);
        return c;
    }

    private static Dictionary<string, object?> CognitoId() => new()
    {
        ["sub"] = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", ["cognito:groups"] = new[] { "admin" }, ["email_verified"] = true, ["iss"] = CognitoIssuer,
        ["cognito:username"] = "alice", ["origin_jti"] = "bbbbbbbb-cccc-dddd-eeee-ffffffffffff", ["aud"] = "3n4b5urk1ft4fl3mg5e62d9ado",
        ["event_id"] = "cccccccc-dddd-eeee-ffff-aaaaaaaaaaaa", ["token_use"] = "id", ["auth_time"] = Now - 5, ["exp"] = Now + 3600, ["iat"] = Now,
        ["jti"] = "eeeeeeee-ffff-aaaa-bbbb-cccccccccccc", ["email"] = "alice@example.com",
    };

    private static TokenIssuerOptions Cognito() => new() { Profile = "cognito", Issuer = CognitoIssuer, Audiences = ["3n4b5urk1ft4fl3mg5e62d9ado"] };

    [Fact]
    public async Task Cognito_access_token_without_aud_is_accepted_by_client_id_with_groups_and_scopes()
    {
        var decision = await Decide(Cognito(), CognitoAccess(), Events.AdminArn);
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("admin", Context(decision, "role"));
        Assert.Equal("read,aws.cognito.signin.user.admin", Context(decision, "permissions"));
    }

    public static TheoryData<string, Dictionary<string, object?>, string> CognitoRefusals => new()
    {
        { "id token where an access token is required", CognitoId(), ReasonCodes.WrongTokenType },
        { "access token of another app client", CognitoAccess(c => c["client_id"] = "7fakeclient"), ReasonCodes.InvalidAudience },
        { "token_use missing", CognitoAccess(c => c.Remove("token_use")), ReasonCodes.WrongTokenType },
    };

    [Theory]
    [MemberData(nameof(CognitoRefusals))]
    public async Task Cognito_token_is_refused(string _, Dictionary<string, object?> claims, string reason)
    {
        var decision = await Decide(Cognito(), claims);
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(reason, decision.ReasonCode);
    }

    // ---- Keycloak -------------------------------------------------------------------------------------------------

    private static Dictionary<string, object?> KeycloakAccess(Action<Dictionary<string, object?>>? change = null)
    {
        var c = new Dictionary<string, object?>
        {
            ["exp"] = Now + 300, ["iat"] = Now, ["auth_time"] = Now - 5, ["jti"] = "onrtac:5c3e6b8e-5d3b-4d7e-9a1e-3c1c2b1e0f00",
            ["iss"] = "https://keycloak.example.com/realms/demo", ["aud"] = new[] { "secure-api", "account" },
            ["sub"] = "f1b3c1d2-9a4e-4b8e-8f55-4d3b2a1c0e9f", ["typ"] = "Bearer", ["azp"] = "secure-api",
            ["sid"] = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", ["acr"] = "1",
            ["realm_access"] = new Dictionary<string, object> { ["roles"] = new[] { "offline_access", "uma_authorization", "default-roles-demo" } },
            ["resource_access"] = new Dictionary<string, object>
            {
                ["secure-api"] = new Dictionary<string, object> { ["roles"] = new[] { "admin" } },
                ["account"] = new Dictionary<string, object> { ["roles"] = new[] { "manage-account", "view-profile" } },
            },
            ["scope"] = "openid read email profile", ["email_verified"] = true, ["preferred_username"] = "alice",
        };
        change?.Invoke(c);
        return c;
    }

    private static TokenIssuerOptions Keycloak() => new() { Profile = "keycloak", Issuer = "https://keycloak.example.com/realms/demo", Audiences = ["secure-api"] };

    [Fact]
    public async Task Keycloak_roles_come_from_realm_access_and_this_apis_resource_access()
    {
        var decision = await Decide(Keycloak(), KeycloakAccess(), Events.AdminArn);
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("offline_access,uma_authorization,default-roles-demo,admin", Context(decision, "role"));
        Assert.Equal("openid,read,email,profile", Context(decision, "permissions"));
    }

    [Fact]
    public async Task Keycloak_role_only_in_another_clients_resource_access_is_not_granted()
    {
        var claims = KeycloakAccess(c => c["resource_access"] = new Dictionary<string, object>
        {
            ["account"] = new Dictionary<string, object> { ["roles"] = new[] { "admin" } },
        });
        var decision = await Decide(Keycloak(), claims, Events.AdminArn);
        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
        Assert.DoesNotContain("admin", Context(decision, "role").Split(','));
    }

    // ---- Google ---------------------------------------------------------------------------------------------------

    private static Dictionary<string, object?> GoogleId(Action<Dictionary<string, object?>>? change = null)
    {
        var c = new Dictionary<string, object?>
        {
            ["iss"] = "https://accounts.google.com", ["azp"] = "1234987819200.apps.googleusercontent.com",
            ["aud"] = "1234987819200.apps.googleusercontent.com", ["sub"] = "10769150350006150715113082367", ["hd"] = "example.com",
            ["email"] = "jsmith@example.com", ["email_verified"] = true, ["at_hash"] = "HK6E_P6Dh8Y93mRNtsDB1Q", ["name"] = "Jane Smith",
            ["iat"] = Now, ["exp"] = Now + 3600,
        };
        change?.Invoke(c);
        return c;
    }

    private static TokenIssuerOptions Google(List<string>? hostedDomains = null) => new()
    {
        Profile = "google", Issuer = "https://accounts.google.com", Audiences = ["1234987819200.apps.googleusercontent.com"], HostedDomains = hostedDomains ?? [],
    };

    [Fact]
    public async Task Google_token_is_admitted_with_no_roles_or_permissions_unless_mapped()
    {
        var decision = await Decide(Google(["example.com"]), GoogleId());
        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome); // authenticated: a stored principal record may grant roles
        Assert.Equal("", Context(decision, "role"));
        Assert.Equal("", Context(decision, "permissions"));
    }

    public static TheoryData<string, List<string>?, Dictionary<string, object?>, string> GoogleRefusals => new()
    {
        { "email not verified", null, GoogleId(c => c["email_verified"] = false), ReasonCodes.EmailNotVerified },
        { "email_verified as a string", null, GoogleId(c => c["email_verified"] = "true"), ReasonCodes.EmailNotVerified },
        { "hd of another domain", ["example.com"], GoogleId(c => c["hd"] = "example.org"), ReasonCodes.WrongHostedDomain },
        { "no hd (a consumer account) when domains are set", ["example.com"], GoogleId(c => c.Remove("hd")), ReasonCodes.WrongHostedDomain },
        { "hd differing in case", ["example.com"], GoogleId(c => c["hd"] = "Example.com"), ReasonCodes.WrongHostedDomain },
    };

    [Theory]
    [MemberData(nameof(GoogleRefusals))]
    public async Task Google_token_is_refused(string _, List<string>? hostedDomains, Dictionary<string, object?> claims, string reason)
    {
        var decision = await Decide(Google(hostedDomains), claims);
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(reason, decision.ReasonCode);
    }

    // ---- generic and overrides ------------------------------------------------------------------------------------

    [Fact]
    public async Task RoleClaims_and_PermissionClaims_of_an_issuer_replace_its_profiles_claims()
    {
        var okta = Okta();
        okta.RoleClaims = ["app_roles"];
        okta.PermissionClaims = ["entitlements"];
        var decision = await Decide(okta, OktaAccess(c => { c["app_roles"] = new[] { "admin" }; c["entitlements"] = new[] { "read" }; }), Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("admin", Context(decision, "role"));
        Assert.Equal("read", Context(decision, "permissions"));
    }
}
