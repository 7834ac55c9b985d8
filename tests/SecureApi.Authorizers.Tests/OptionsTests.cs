using Microsoft.Extensions.Configuration;

namespace SecureApi.Authorizers.Tests;

public sealed class OptionsTests
{
    private static IConfigurationSection Section(string name, Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(kv => $"{name}:{kv.Key}", kv => kv.Value)).Build().GetSection(name);

    private static readonly string Hash = RequestAuthorizerTests.Sha256Hex("k");

    [Fact]
    public void Request_credentials_bind_from_a_single_json_string()
    {
        var options = RequestAuthorizerOptions.FromConfiguration(Section("RequestAuthorizer", new()
        {
            ["ApiKeys"] = $$"""[{"sha256":"{{Hash}}","principalId":"api-key-user","role":"admin","permissions":"read,write"}]""",
            ["CustomHeaderValues"] = $$"""[{"sha256":"{{RequestAuthorizerTests.Sha256Hex("h")}}","principalId":"custom-user"}]""",
        }));

        Assert.Empty(options.Validate());
        Assert.Equal("api-key-user", options.ApiKeys.Single().PrincipalId);
        Assert.Equal("read,write", options.ApiKeys.Single().Permissions);
        Assert.Equal("custom-user", options.CustomHeaderValues.Single().PrincipalId);
    }

    [Fact]
    public void Request_credentials_bind_from_a_configuration_array()
    {
        var options = RequestAuthorizerOptions.FromConfiguration(Section("RequestAuthorizer", new()
        {
            ["ApiKeys:0:sha256"] = Hash, ["ApiKeys:0:principalId"] = "p0", ["ApiKeys:0:role"] = "admin",
            ["ApiKeys:1:sha256"] = RequestAuthorizerTests.Sha256Hex("k2"), ["ApiKeys:1:principalId"] = "p1", ["ApiKeys:1:permissions"] = "read",
            ["AllowedCidrs"] = "10.0.0.0/8, 2001:db8::/32",
        }));

        Assert.Empty(options.Validate());
        Assert.Equal(["p0", "p1"], options.ApiKeys.Select(k => k.PrincipalId));
        Assert.Equal(["10.0.0.0/8", "2001:db8::/32"], options.AllowedCidrs);
    }

    public static TheoryData<string, Dictionary<string, string?>, string> BadRequestSettings => new()
    {
        { "nothing configured", new(), "Nothing would be admitted" },
        { "invalid json", new() { ["ApiKeys"] = "[{\"sha256\":" }, "not a JSON array" },
        { "clear-text key", new() { ["ApiKeys"] = """[{"sha256":"my-secret-key","principalId":"p"}]""" }, "64 hex characters" },
        { "missing principal", new() { ["ApiKeys"] = $$"""[{"sha256":"{{Hash}}"}]""" }, "principalId is required" },
        { "duplicate hash", new() { ["ApiKeys"] = $$"""[{"sha256":"{{Hash}}","principalId":"a"},{"sha256":"{{Hash.ToUpperInvariant()}}","principalId":"b"}]""" }, "listed twice" },
        { "bad cidr", new() { ["AllowedCidrs"] = "10.0.0.1/8" }, "host bits must be zero" },
        { "not a cidr", new() { ["AllowedCidrs"] = "10.0.0.0" }, "is not a CIDR range" },
        { "mapped cidr", new() { ["AllowedCidrs"] = "::ffff:10.0.0.0/104" }, "write it as IPv4" },
        { "key principal named like a token subject", new() { ["ApiKeys"] = $$"""[{"sha256":"{{Hash}}","principalId":"default:ops"}]""" }, "principalId must not contain ':'" },
        { "ip principal named like a token subject", new() { ["AllowedCidrs"] = "10.0.0.0/8", ["IpPrincipalId"] = "corp:net" }, "IpPrincipalId must not contain ':'" },
    };

    [Theory]
    [MemberData(nameof(BadRequestSettings))]
    public void Bad_request_authorizer_settings_give_a_clear_message(string _, Dictionary<string, string?> values, string expected)
    {
        var options = RequestAuthorizerOptions.FromConfiguration(Section("RequestAuthorizer", values));
        var errors = options.Validate();

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("my-secret-key", StringComparison.Ordinal));
        var thrown = Assert.Throws<AuthorizerConfigurationException>(() => new RequestAuthorizer(options));
        Assert.Contains(expected, thrown.Message);
    }

    [Fact]
    public void Token_settings_bind_from_configuration()
    {
        var options = TokenAuthorizerOptions.FromConfiguration(Section("TokenAuthorizer", new()
        {
            ["Issuer"] = "https://idp.example/", ["Audiences"] = "a1, a2", ["MetadataAddress"] = "https://idp.example/.well-known/openid-configuration",
            ["ClockSkewSeconds"] = "10", ["RoleClaims"] = "groups", ["PermissionClaims"] = "scope",
            ["AudienceClaim"] = "client_id", ["RequiredTokenType"] = "at+jwt", ["RequiredTokenUse"] = "access", ["MaxTokenLifetimeSeconds"] = "3600",
        }));
        Assert.Equal("client_id", options.AudienceClaim);
        Assert.Equal("at+jwt", options.RequiredTokenType);
        Assert.Equal("access", options.RequiredTokenUse);
        Assert.Equal(3600, options.MaxTokenLifetimeSeconds);

        Assert.Empty(options.Validate());
        Assert.Equal(["a1", "a2"], options.Audiences);
        Assert.Equal(10, options.ClockSkewSeconds);
        Assert.Equal(["groups"], options.RoleClaims);
        Assert.Equal(["RS256", "ES256"], options.EffectiveAlgorithms);
    }

    public static TheoryData<string, Dictionary<string, string?>, string> BadTokenSettings => new()
    {
        { "no issuer", new() { ["Audiences"] = "a", ["JwksUri"] = "https://x/jwks" }, "Issuer is required" },
        { "no audience", new() { ["Issuer"] = "https://x/", ["JwksUri"] = "https://x/jwks" }, "Audiences is required" },
        { "no key source", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a" }, "Exactly one key source" },
        { "two key sources", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["JwksUri"] = "https://x/jwks", ["MetadataAddress"] = "https://x/m" }, "Exactly one key source" },
        { "http jwks", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["JwksUri"] = "http://x/jwks" }, "must use https" },
        { "alg none", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["JwksUri"] = "https://x/jwks", ["Algorithms"] = "RS256,none" }, "alg none is never accepted" },
        { "HS256 without key", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["JwksUri"] = "https://x/jwks", ["Algorithms"] = "HS256" }, "allowed only with" },
        { "short symmetric key", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["SymmetricKey"] = Convert.ToBase64String(new byte[16]) }, "at least 32 bytes" },
        { "skew too large", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["JwksUri"] = "https://x/jwks", ["ClockSkewSeconds"] = "3600" }, "ClockSkewSeconds" },
        { "skew not a number", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["JwksUri"] = "https://x/jwks", ["ClockSkewSeconds"] = "1m" }, "whole number" },
        { "refresh interval zero", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["JwksUri"] = "https://x/jwks", ["KeyRefreshMinIntervalSeconds"] = "0" }, "KeyRefreshMinIntervalSeconds must be between 1 and 86400" },
        { "lifetime maximum too small", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["JwksUri"] = "https://x/jwks", ["MaxTokenLifetimeSeconds"] = "10" }, "MaxTokenLifetimeSeconds must be between 60 and 31536000" },
        { "audience claim with a space", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["JwksUri"] = "https://x/jwks", ["AudienceClaim"] = "client id" }, "AudienceClaim must be one claim name" },
        { "token type with a space", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["JwksUri"] = "https://x/jwks", ["RequiredTokenType"] = "at+jwt jwt" }, "RequiredTokenType must be one media type" },
        { "static jwks without usable key", new() { ["Issuer"] = "https://x/", ["Audiences"] = "a", ["Jwks"] = """{"keys":[]}""" }, "no usable signing key" },
    };

    [Theory]
    [MemberData(nameof(BadTokenSettings))]
    public void Bad_token_authorizer_settings_give_a_clear_message(string _, Dictionary<string, string?> values, string expected)
    {
        var options = TokenAuthorizerOptions.FromConfiguration(Section("TokenAuthorizer", values));
        var thrown = Assert.Throws<AuthorizerConfigurationException>(() => new TokenAuthorizer(options, new HttpClient()));
        Assert.Contains(expected, thrown.Message);
    }
}
