namespace SecureApi.Authorizers.Tests;

/// <summary>The entra profile: v1 and v2 tokens, tenants, groups overage, authentication contexts.</summary>
public sealed partial class IssuerProfileTests
{
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
}
