using SecureApi.AuthorizerContract;
using System.Security.Cryptography;
using System.Text;

namespace SecureApi.Authorizers.Tests;

public sealed class RequestAuthorizerTests
{
    private const string ApiKey = "k3y-Abc_123";
    private const string HeaderValue = "custom-auth-value";
    private readonly StringWriter _log = new();

    internal static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private RequestAuthorizer Authorizer(string cidrs = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,2001:db8:1::/48") =>
        new(new RequestAuthorizerOptions
        {
            ApiKeys = [new() { Sha256 = Sha256Hex(ApiKey), PrincipalId = "api-key-user", Role = "admin", Permissions = "read,write" }],
            CustomHeaderValues = [new() { Sha256 = Sha256Hex(HeaderValue), PrincipalId = "custom-user", Role = "user", Permissions = "read" }],
            AllowedCidrs = cidrs.Length == 0 ? [] : cidrs.Split(',').ToList(),
            IpPrincipalId = "internal-user",
            IpRole = "user",
            IpPermissions = "read",
        }, _log);

    [Fact]
    public async Task Valid_api_key_is_allowed_with_its_principal_and_context()
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request(query: new() { ["api_key"] = ApiKey }, methodArn: Events.AdminArn));

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        var context = decision.Response!.Context!;
        Assert.Equal("api-key-user", decision.Response.PrincipalID);
        Assert.Equal("api-key-user", context["principalId"]);
        Assert.Equal("admin", context["role"]);
        Assert.Equal("read,write", context["permissions"]);
        Assert.Equal("api-key", context["authType"]);
        Assert.Equal("203.0.113.9", context["sourceIp"]);
        Assert.DoesNotContain(context.Values, v => ((string)v).Contains(ApiKey, StringComparison.Ordinal));
        Assert.Equal(RouteRules.Default.Rules.Select(_ => "Allow"), Events.Effects(decision).Values);
    }

    [Theory]
    [InlineData("X-Custom-Auth")]
    [InlineData("x-custom-auth")]
    [InlineData("X-CUSTOM-AUTH")]
    public async Task Custom_header_value_is_allowed_whatever_the_header_name_case(string name)
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request(headers: new() { [name] = HeaderValue }));

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("custom-header", decision.Response!.Context!["authType"]);
        Assert.Equal("custom-user", decision.PrincipalId);
    }

    [Fact]
    public async Task Credentials_in_multi_value_maps_are_found()
    {
        var byHeader = await Authorizer().AuthorizeAsync(Events.Request(multiHeaders: new() { ["x-custom-auth"] = [HeaderValue] }));
        var byQuery = await Authorizer().AuthorizeAsync(Events.Request(multiQuery: new() { ["api_key"] = [ApiKey] }));

        Assert.Equal(AuthorizerOutcome.Allow, byHeader.Outcome);
        Assert.Equal(AuthorizerOutcome.Allow, byQuery.Outcome);
    }

    [Fact]
    public async Task Conflicting_values_of_one_credential_are_unauthorized()
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request(multiQuery: new() { ["api_key"] = [ApiKey, "other"] }));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.AmbiguousCredential, decision.ReasonCode);
    }

    [Fact]
    public async Task Header_credential_whose_role_misses_the_route_is_denied()
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request(headers: new() { ["X-Custom-Auth"] = HeaderValue }, methodArn: Events.AdminArn));

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
        var effects = Events.Effects(decision);
        Assert.Equal("Allow", effects[Events.ProtectedArn]);
        Assert.Equal("Deny", effects[Events.AdminArn]);
    }

    public static TheoryData<string, string> NearMissKeys => new()
    {
        { "prefix", ApiKey[..^1] },
        { "extra char", ApiKey + "4" },
        { "upper case", ApiKey.ToUpperInvariant() },
        { "lower case", ApiKey.ToLowerInvariant() },
        { "trailing NUL", ApiKey + "\0" },
        { "leading space", " " + ApiKey },
        { "trailing space", ApiKey + " " },
        { "zero-width space", ApiKey[..3] + "\u200B" + ApiKey[3..] },
        { "zero-width joiner", ApiKey + "\u200D" },
        { "BOM", "\uFEFF" + ApiKey },
        { "fullwidth digit", ApiKey.Replace('1', '\uFF11') },
        { "the hash itself", Sha256Hex(ApiKey) },
        { "the header value", HeaderValue },
    };

    [Theory]
    [MemberData(nameof(NearMissKeys))]
    public async Task Near_miss_api_key_is_unauthorized(string _, string key)
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request(query: new() { ["api_key"] = key }));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Null(decision.Response);
    }

    [Theory]
    [MemberData(nameof(NearMissKeys))]
    public async Task Near_miss_custom_header_value_is_unauthorized(string _, string key)
    {
        var value = key == HeaderValue ? ApiKey : key.Replace(ApiKey, HeaderValue);
        var decision = await Authorizer().AuthorizeAsync(Events.Request(headers: new() { ["X-Custom-Auth"] = value }));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    [Fact]
    public async Task Wrong_api_key_from_an_allowlisted_ip_is_unauthorized()
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request(sourceIp: "10.1.2.3", query: new() { ["api_key"] = "wrong" }));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.InvalidCredential, decision.ReasonCode);
    }

    [Fact]
    public async Task Request_without_any_credential_from_an_outside_ip_is_unauthorized()
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request());
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    public static TheoryData<string> SpoofingHeaders => new() { "X-Forwarded-For", "x-forwarded-for", "X-Real-IP", "Forwarded", "True-Client-IP", "CF-Connecting-IP", "X-Client-IP" };

    [Theory]
    [MemberData(nameof(SpoofingHeaders))]
    public async Task Forwarding_headers_never_admit_a_request(string header)
    {
        var value = header == "Forwarded" ? "for=10.0.0.1" : "10.0.0.1";
        var decision = await Authorizer().AuthorizeAsync(Events.Request(
            sourceIp: "198.51.100.7",
            headers: new() { [header] = value },
            multiHeaders: new() { [header] = [value, "192.168.1.1"] }));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData("10.255.255.255", "10.255.255.255")]
    [InlineData("172.16.0.1", "172.16.0.1")]
    [InlineData("172.31.255.254", "172.31.255.254")]
    [InlineData("192.168.1.10", "192.168.1.10")]
    [InlineData("2001:db8:1::1", "2001:db8:1::1")]
    [InlineData("2001:DB8:1:FFFF:0:0:0:1", "2001:db8:1:ffff::1")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    [InlineData("::FFFF:172.20.0.1", "172.20.0.1")]
    public async Task Source_ip_inside_the_allowlist_is_allowed_and_reaches_the_api_in_canonical_form(string ip, string canonical)
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request(sourceIp: ip));

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("ip-allowlist", decision.Response!.Context!["authType"]);
        Assert.Equal("internal-user", decision.PrincipalId);
        Assert.Equal(canonical, decision.Response.Context["sourceIp"]);
    }

    [Theory]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("172.217.3.4")]
    [InlineData("172.0.0.1")]
    [InlineData("11.0.0.1")]
    [InlineData("9.255.255.255")]
    [InlineData("192.169.0.1")]
    [InlineData("2001:db8:2::1")]
    [InlineData("2001:db9::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("::ffff:172.32.0.1")]
    [InlineData("::10.1.2.3")]          // IPv4-compatible: never treated as IPv4
    [InlineData("64:ff9b::a01:203")]    // NAT64 of 10.1.2.3: never treated as IPv4
    [InlineData("2002:a01:203::1")]     // 6to4 of 10.1.2.3: never treated as IPv4
    [InlineData("::1")]
    [InlineData("127.0.0.1")]
    [InlineData("")]
    [InlineData("10.1")]                // short forms IPAddress.Parse would accept
    [InlineData("167772161")]           // 10.0.0.1 as an integer
    [InlineData("012.0.0.1")]           // leading zero (octal ambiguity)
    [InlineData("0x0a.0.0.1")]
    [InlineData("10.0.0.1 ")]
    [InlineData("10.0.0.1, 8.8.8.8")]
    [InlineData("fe80::1%eth0")]
    [InlineData("not-an-ip")]
    public async Task Source_ip_outside_the_allowlist_or_malformed_is_unauthorized(string ip)
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request(sourceIp: ip));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    [Fact]
    public async Task Empty_allowlist_admits_no_ip()
    {
        var decision = await Authorizer(cidrs: "").AuthorizeAsync(Events.Request(sourceIp: "10.0.0.1"));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    [Fact]
    public async Task Missing_request_context_is_unauthorized()
    {
        var request = Events.Request();
        request.RequestContext = null;
        Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorizer().AuthorizeAsync(request)).Outcome);
    }

    [Theory]
    [InlineData("")]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:abc123defg")]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:abc123defg/*/*")]
    public async Task Unparsable_methodArn_is_unauthorized(string arn)
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request(query: new() { ["api_key"] = ApiKey }, methodArn: arn));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    [Fact]
    public async Task Policy_lists_every_route_of_the_stage_and_nothing_else()
    {
        var decision = await Authorizer().AuthorizeAsync(Events.Request(sourceIp: "10.0.0.1", methodArn: Events.StagePrefix + "GET/public"));

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome); // /public is not a protected route of the table
        // The IP principal has read but not admin: Allow where only a permission is required, Deny elsewhere.
        Assert.Equal(
            RouteRules.Default.Rules.ToDictionary(r => Events.StagePrefix + r.Verb + r.ResourcePattern, r => r.RequiredRole is null ? "Allow" : "Deny"),
            Events.Effects(decision));
    }

    [Fact]
    public async Task Decision_log_never_contains_the_key_or_header_value_or_hash()
    {
        var authorizer = Authorizer();
        await authorizer.AuthorizeAsync(Events.Request(query: new() { ["api_key"] = ApiKey }));
        await authorizer.AuthorizeAsync(Events.Request(query: new() { ["api_key"] = ApiKey + "x" }));
        await authorizer.AuthorizeAsync(Events.Request(headers: new() { ["X-Custom-Auth"] = HeaderValue }));
        await authorizer.AuthorizeAsync(Events.Request(headers: new() { ["X-Custom-Auth"] = HeaderValue + "x" }));
        await authorizer.AuthorizeAsync(Events.Request(sourceIp: "10.0.0.1"));

        var log = _log.ToString();
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.DoesNotContain(ApiKey, log);
        Assert.DoesNotContain(HeaderValue, log);
        Assert.DoesNotContain(Sha256Hex(ApiKey), log);
        Assert.Contains("\"authType\":\"api-key\"", lines[0]);
        Assert.Contains("\"outcome\":\"Unauthorized\"", lines[1]);
        Assert.Contains("\"principal\":\"internal-user\"", lines[4]);
    }
}
