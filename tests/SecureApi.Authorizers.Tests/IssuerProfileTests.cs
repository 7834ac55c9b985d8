using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>
/// Each profile against tokens shaped exactly as that identity provider issues them (claim names, JSON types,
/// nesting), and one row per rejection path of the profile.
/// </summary>
public sealed class IssuerProfileTests
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

    // ---- Entra ID -------------------------------------------------------------------------------------------------

    private static TokenIssuerOptions Entra(Action<TokenIssuerOptions>? change = null)
    {
        var o = new TokenIssuerOptions { Profile = "entra", TenantIds = [Tenant], Audiences = ["api://secure-api", "6e74172b-be56-4843-9ff4-e66a39bb12e3"] };
        change?.Invoke(o);
        return o;
    }

    private static Dictionary<string, object?> EntraV2(Action<Dictionary<string, object?>>? change = null)
    {
        var c = new Dictionary<string, object?>
        {
            ["aud"] = "6e74172b-be56-4843-9ff4-e66a39bb12e3", ["iss"] = $"https://login.microsoftonline.com/{Tenant}/v2.0",
            ["iat"] = Now, ["nbf"] = Now, ["exp"] = Now + 3600, ["aio"] = "AWQAm/8TAAAA", ["azp"] = "2d4d11a2-f814-46a7-890a-274a72a7309e",
            ["azpacr"] = "0", ["name"] = "Abe Lincoln", ["oid"] = "690222be-ff1a-4d56-abd1-7e4f7d38e474", ["preferred_username"] = "abeli@microsoft.com",
            ["rh"] = "I", ["roles"] = new[] { "admin" }, ["scp"] = "read write", ["sub"] = "HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ",
            ["tid"] = Tenant, ["uti"] = "fqiBqXLPj0eQa82S-IYFAA", ["ver"] = "2.0",
        };
        change?.Invoke(c);
        return c;
    }

    private static Dictionary<string, object?> EntraV1(Action<Dictionary<string, object?>>? change = null)
    {
        var c = new Dictionary<string, object?>
        {
            ["aud"] = "api://secure-api", ["iss"] = $"https://sts.windows.net/{Tenant}/", ["iat"] = Now, ["nbf"] = Now, ["exp"] = Now + 3600,
            ["acr"] = "1", ["aio"] = "AUQAu/8TAAAA", ["amr"] = new[] { "pwd", "mfa" }, ["appid"] = "2d4d11a2-f814-46a7-890a-274a72a7309e",
            ["appidacr"] = "0", ["family_name"] = "Lincoln", ["given_name"] = "Abe", ["ipaddr"] = "131.107.222.22",
            ["name"] = "Abe Lincoln", ["oid"] = "690222be-ff1a-4d56-abd1-7e4f7d38e474", ["rh"] = "I", ["scp"] = "read",
            ["sub"] = "l3_roISQU222bULS9yi2k0XpqpOiMz5H3ZACo1GeXA", ["tid"] = Tenant, ["unique_name"] = "abeli@microsoft.com",
            ["upn"] = "abeli@microsoft.com", ["uti"] = "fqiBqXLPj0eQa82S-IYFAA", ["ver"] = "1.0",
        };
        change?.Invoke(c);
        return c;
    }

    [Fact]
    public async Task Entra_v2_token_gives_roles_from_roles_and_permissions_from_scp()
    {
        var decision = await Decide(Entra(), EntraV2(), Events.AdminArn);
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("admin", Context(decision, "role"));
        Assert.Equal("read,write", Context(decision, "permissions"));
    }

    [Fact]
    public async Task Entra_v1_token_of_the_same_tenant_is_accepted_with_scp_permissions()
    {
        var decision = await Decide(Entra(), EntraV1());
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("read", Context(decision, "permissions"));
    }

    public static TheoryData<string, Dictionary<string, object?>, string> EntraRefusals => new()
    {
        { "tenant not listed", EntraV2(c => { c["iss"] = $"https://login.microsoftonline.com/{OtherTenant}/v2.0"; c["tid"] = OtherTenant; }), ReasonCodes.UnknownIssuer },
        { "tid missing", EntraV2(c => c.Remove("tid")), ReasonCodes.WrongTenant },
        { "tid differs from the issuer's tenant", EntraV2(c => c["tid"] = OtherTenant), ReasonCodes.WrongTenant },
        { "tid differs (v1)", EntraV1(c => c["tid"] = OtherTenant), ReasonCodes.WrongTenant },
        { "tid not a string", EntraV2(c => c["tid"] = new[] { Tenant }), ReasonCodes.WrongTenant },
        { "audience of another app", EntraV2(c => c["aud"] = "00000003-0000-0000-c000-000000000000"), ReasonCodes.InvalidAudience },
    };

    [Theory]
    [MemberData(nameof(EntraRefusals))]
    public async Task Entra_token_is_refused(string _, Dictionary<string, object?> claims, string reason)
    {
        var decision = await Decide(Entra(), claims);
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(reason, decision.ReasonCode);
    }

    [Fact]
    public async Task Entra_groups_give_a_role_only_when_mapped_and_a_groups_overage_token_never_does()
    {
        var groupsAsRoles = Entra(o => o.RoleClaims = ["groups"]);
        var withGroups = EntraV2(c => { c.Remove("roles"); c["groups"] = new[] { "admin" }; });
        var overage = EntraV2(c =>
        {
            c.Remove("roles");
            c["groups"] = new[] { "admin" }; // never trusted next to _claim_names: the token says the list is elsewhere
            c["_claim_names"] = new Dictionary<string, object> { ["groups"] = "src1" };
            c["_claim_sources"] = new Dictionary<string, object> { ["src1"] = new Dictionary<string, object> { ["endpoint"] = "https://graph.microsoft.com/v1.0/users/690222be/getMemberObjects" } };
        });
        var v1Overage = EntraV1(c => { c["hasgroups"] = true; c["groups"] = new[] { "admin" }; });

        Assert.Equal(AuthorizerOutcome.Allow, (await Decide(groupsAsRoles, withGroups, Events.AdminArn)).Outcome);
        var refused = await Decide(groupsAsRoles, overage, Events.AdminArn);
        Assert.Equal(AuthorizerOutcome.Deny, refused.Outcome);
        Assert.Equal("", Context(refused, "role"));
        Assert.Equal(AuthorizerOutcome.Deny, (await Decide(Entra(o => o.RoleClaims = ["groups"]), v1Overage, Events.AdminArn)).Outcome);
    }

    [Fact]
    public async Task Entra_step_up_counts_the_configured_acrs_or_amr_values_as_mfa_and_nothing_else()
    {
        var entra = Entra(o => { o.StepUpAcrs = ["c1"]; o.StepUpAmr = ["mfa"]; });
        var withAcrs = await Decide(entra, EntraV2(c => { c["acrs"] = new[] { "c1" }; c["auth_time"] = Now - 5; }));
        var otherAcrs = await Decide(Entra(o => o.StepUpAcrs = ["c1"]), EntraV2(c => { c["acrs"] = new[] { "c2" }; c["amr"] = new[] { "mfa" }; }));
        var v1Mfa = await Decide(entra, EntraV1());

        Assert.Equal("mfa", Context(withAcrs, AuthorizerContextKeys.Amr));
        Assert.False(otherAcrs.Response!.Context!.ContainsKey(AuthorizerContextKeys.Amr)); // amr "mfa" not accepted from this issuer
        Assert.Equal("mfa", Context(v1Mfa, AuthorizerContextKeys.Amr));
    }

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
