using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

public sealed class TokenAuthorizerTests : IDisposable
{
    private readonly TokenFactory _tokens = new();
    private readonly StringWriter _log = new();

    public void Dispose() => _tokens.Dispose();

    private TokenAuthorizer StaticAuthorizer(Action<TokenAuthorizerOptions>? configure = null)
    {
        var options = new TokenAuthorizerOptions { Issuer = _tokens.Issuer, Audiences = [_tokens.Audience], Jwks = _tokens.Jwks() };
        configure?.Invoke(options);
        return new TokenAuthorizer(options, decisionLog: _log);
    }

    private static Task<AuthorizerDecision> Authorize(TokenAuthorizer authorizer, string? token, string arn = Events.ProtectedArn) =>
        authorizer.AuthorizeAsync(Events.Token(token is null ? null : "Bearer " + token, arn));

    private Dictionary<string, object?> Claims(Action<Dictionary<string, object?>> change)
    {
        var claims = _tokens.Claims();
        change(claims);
        return claims;
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task Valid_token_with_read_scope_is_allowed_with_jwt_context(string alg)
    {
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(_tokens.Claims(scope: "read write"), alg));

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        var context = decision.Response!.Context!;
        Assert.Equal("user-1", decision.Response.PrincipalID);
        Assert.Equal("user-1", context["principalId"]);
        Assert.Equal("read,write", context["permissions"]);
        Assert.Equal("", context["role"]);
        Assert.Equal("jwt", context["authType"]);
        Assert.All(context.Values, v => Assert.IsType<string>(v));
    }

    [Fact]
    public async Task Valid_token_without_admin_role_is_denied_on_the_admin_route()
    {
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(), Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
        Assert.Equal(ReasonCodes.RouteNotCovered, decision.ReasonCode);
        Assert.Equal("Deny", Events.Effects(decision)[Events.AdminArn]);
    }

    [Fact]
    public async Task Policy_covers_every_route_of_the_stage_and_nothing_else()
    {
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(_tokens.Claims(scope: "read", role: "admin")), Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        var effects = Events.Effects(decision);
        Assert.Equal(RouteRules.Default.Rules.Count, effects.Count);
        Assert.Equal("Allow", effects[Events.ProtectedArn]);
        Assert.Equal("Allow", effects[Events.AdminArn]);
        Assert.All(decision.Response!.PolicyDocument!.Statement, s => Assert.Equal(["execute-api:Invoke"], s.Action));
        Assert.All(effects.Keys, r => Assert.StartsWith(Events.StagePrefix, r));
    }

    [Fact]
    public async Task Policy_is_built_for_the_methodArn_api_and_stage_only()
    {
        const string otherStage = "arn:aws:execute-api:eu-west-1:210987654321:zzz999/dev/GET/protected";
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(), otherStage);

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal(
            RouteRules.Default.Rules.Select(r => "arn:aws:execute-api:eu-west-1:210987654321:zzz999/dev/" + r.Verb + r.ResourcePattern).Order(),
            Events.Effects(decision).Keys.Order());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-arn")]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod")]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:*/Prod/GET/protected")]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:abc123defg/*/GET/protected")]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:abc123defg/Prod/GET/protected")]
    [InlineData("arn:aws:execute-api:us-east-1:12345:abc123defg/Prod/GET/protected")]
    public async Task Unparsable_methodArn_is_unauthorized(string arn)
    {
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(), arn);

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Null(decision.Response);
    }

    [Theory]
    [InlineData("role", "admin")]
    [InlineData("roles", "admin")]
    [InlineData("cognito:groups", "admin")]
    public async Task Role_is_read_from_configured_role_claims(string claim, string value)
    {
        var token = _tokens.Create(Claims(c => c[claim] = new[] { value, "user" }));
        var decision = await Authorize(StaticAuthorizer(), token, Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("admin,user", decision.Response!.Context!["role"]);
    }

    [Theory]
    [InlineData("scp", "read")]
    [InlineData("permissions", "read")]
    public async Task Permissions_are_read_from_scp_and_permissions_arrays(string claim, string value)
    {
        var token = _tokens.Create(Claims(c => { c.Remove("scope"); c[claim] = new[] { value, "write" }; }));
        var decision = await Authorize(StaticAuthorizer(), token);

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("read,write", decision.Response!.Context!["permissions"]);
    }

    // ---- rejection paths: one row each ----

    public static TheoryData<string, string> MalformedHeaders => new()
    {
        { "empty", "" },
        { "basic scheme", "Basic dXNlcjpwYXNz" },
        { "lower-case bearer", "bearer {token}" },
        { "bearer without token", "Bearer " },
        { "two spaces", "Bearer  {token}" },
        { "token without scheme", "{token}" },
        { "non-JSON parts", "Bearer aGVsbG8.d29ybGQ.c2ln" },
        { "not base64url", "Bearer {token}!" },
        { "JWE five parts", "Bearer a.b.c.d.e" },
        { "opaque token", "Bearer admin-token" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public async Task Malformed_authorization_value_is_unauthorized(string _, string header)
    {
        var decision = await StaticAuthorizer().AuthorizeAsync(Events.Token(header.Replace("{token}", _tokens.Create())));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    [Fact]
    public async Task Missing_authorization_value_is_unauthorized()
    {
        var decision = await StaticAuthorizer().AuthorizeAsync(Events.Token(null));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.MissingCredential, decision.ReasonCode);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("nOnE")]
    public async Task Alg_none_in_any_letter_case_is_unauthorized(string alg)
    {
        var header = new Dictionary<string, object?> { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = _tokens.RsaKid };
        var valid = _tokens.Create();
        var withSignature = TokenFactory.Unsigned(header, _tokens.Claims()) + valid.Split('.')[2];

        Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(StaticAuthorizer(), TokenFactory.Unsigned(header, _tokens.Claims()))).Outcome);
        Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(StaticAuthorizer(), withSignature)).Outcome);
    }

    public static TheoryData<string> SignatureTampering => new() { "stripped", "stripped-no-dot", "truncated", "one-char-short", "flipped" };

    [Theory]
    [MemberData(nameof(SignatureTampering))]
    public async Task Stripped_or_truncated_signature_is_unauthorized(string how)
    {
        var token = _tokens.Create();
        var lastDot = token.LastIndexOf('.');
        var tampered = how switch
        {
            "stripped" => token[..(lastDot + 1)],
            "stripped-no-dot" => token[..lastDot],
            "truncated" => token[..(lastDot + 1 + (token.Length - lastDot) / 2)],
            "one-char-short" => token[..^1],
            _ => token[..(lastDot + 1)] + (token[lastDot + 1] == 'A' ? 'B' : 'A') + token[(lastDot + 2)..],
        };

        Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(StaticAuthorizer(), tampered)).Outcome);
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("der")]
    [InlineData("modulus")]
    public async Task HS256_signed_with_the_RSA_public_key_is_unauthorized(string keyForm)
    {
        var rsa = _tokens.Rsa;
        var secret = keyForm switch
        {
            "pem" => Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()),
            "der" => rsa.ExportSubjectPublicKeyInfo(),
            _ => rsa.ExportParameters(false).Modulus!,
        };
        var header = new Dictionary<string, object?> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = _tokens.RsaKid };
        var forged = TokenFactory.Sign(header, _tokens.Claims(), secret);

        var decision = await Authorize(StaticAuthorizer(), forged);
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    [Theory]
    [InlineData("RS384")]
    [InlineData("RS512")]
    [InlineData("PS256")]
    [InlineData("PS384")]
    [InlineData("ES384-as-rsa")]
    public async Task Algorithm_outside_the_allowlist_signed_by_the_trusted_key_is_unauthorized(string alg)
    {
        var token = alg == "ES384-as-rsa"
            ? TokenFactory.Sign(new() { ["alg"] = "RS384", ["kid"] = _tokens.RsaKid }, _tokens.Claims(), _tokens.Rsa)
            : _tokens.Create(alg: alg);

        var decision = await Authorize(StaticAuthorizer(), token);
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.AlgorithmNotAllowed, decision.ReasonCode);
    }

    [Fact]
    public async Task Algorithm_added_to_the_allowlist_is_accepted()
    {
        var decision = await Authorize(StaticAuthorizer(o => o.Algorithms = ["PS256"]), _tokens.Create(alg: "PS256"));
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
    }

    public static TheoryData<string, string> LifetimeAndClaims => new()
    {
        { "expired", ReasonCodes.Expired },
        { "expired beyond skew", ReasonCodes.Expired },
        { "not yet valid", ReasonCodes.NotYetValid },
        { "missing exp", ReasonCodes.MissingExpiration },
        { "missing sub", ReasonCodes.MissingSubject },
        { "empty sub", ReasonCodes.MissingSubject },
        { "missing aud", ReasonCodes.InvalidAudience },
        { "wrong aud", ReasonCodes.InvalidAudience },
        { "aud trailing slash", ReasonCodes.InvalidAudience },
        { "aud case", ReasonCodes.InvalidAudience },
        { "missing iss", ReasonCodes.InvalidIssuer },
        { "wrong iss", ReasonCodes.InvalidIssuer },
        { "iss upper case", ReasonCodes.InvalidIssuer },
        { "iss without trailing slash", ReasonCodes.InvalidIssuer },
        { "iss extra trailing slash", ReasonCodes.InvalidIssuer },
        { "iss with whitespace", ReasonCodes.InvalidIssuer },
    };

    [Theory]
    [MemberData(nameof(LifetimeAndClaims))]
    public async Task Token_with_bad_lifetime_issuer_audience_or_subject_is_unauthorized(string problem, string reason)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = Claims(c =>
        {
            switch (problem)
            {
                case "expired": c["exp"] = now - 120; break;
                case "expired beyond skew": c["exp"] = now - 31; c["nbf"] = now - 600; break;
                case "not yet valid": c["nbf"] = now + 120; break;
                case "missing exp": c.Remove("exp"); break;
                case "missing sub": c.Remove("sub"); break;
                case "empty sub": c["sub"] = ""; break;
                case "missing aud": c.Remove("aud"); break;
                case "wrong aud": c["aud"] = "other-api"; break;
                case "aud trailing slash": c["aud"] = _tokens.Audience + "/"; break;
                case "aud case": c["aud"] = _tokens.Audience.ToUpperInvariant(); break;
                case "missing iss": c.Remove("iss"); break;
                case "wrong iss": c["iss"] = "https://evil.example.test/"; break;
                case "iss upper case": c["iss"] = _tokens.Issuer.ToUpperInvariant(); break;
                case "iss without trailing slash": c["iss"] = _tokens.Issuer.TrimEnd('/'); break;
                case "iss extra trailing slash": c["iss"] = _tokens.Issuer + "/"; break;
                case "iss with whitespace": c["iss"] = _tokens.Issuer + " "; break;
            }
        });

        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(claims));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(reason, decision.ReasonCode);
    }

    [Fact]
    public async Task Expiry_within_the_configured_clock_skew_is_still_accepted()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var decision = await Authorize(StaticAuthorizer(o => o.ClockSkewSeconds = 60), _tokens.Create(Claims(c => { c["exp"] = now - 20; c["nbf"] = now - 600; })));
        Assert.Equal(ReasonCodes.Allowed, decision.ReasonCode);
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
    }

    public static TheoryData<string, object> CritHeaders => new()
    {
        { "unknown extension", new[] { "exp" } },
        { "b64", new[] { "b64" } },
        { "empty list", Array.Empty<string>() },
        { "not a list", "urn:example:ext" },
    };

    [Theory]
    [MemberData(nameof(CritHeaders))]
    public async Task Crit_header_is_unauthorized(string _, object crit)
    {
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(extraHeader: new() { ["crit"] = crit, ["exp"] = 1 }));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.UnsupportedCrit, decision.ReasonCode);
    }

    [Theory]
    [InlineData(8192)]
    [InlineData(100_000)]
    [InlineData(2_000_000)]
    public async Task Oversized_token_is_unauthorized_before_parsing(int length)
    {
        var huge = "Bearer " + _tokens.Create(Claims(c => c["pad"] = new string('x', length)));
        var decision = await StaticAuthorizer().AuthorizeAsync(Events.Token(huge));

        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.TokenTooLarge, decision.ReasonCode);
    }

    [Fact]
    public async Task Token_signed_by_a_1024_bit_RSA_key_in_the_JWKS_is_unauthorized()
    {
        using var weak = RSA.Create(1024);
        var jwks = TokenFactory.JwksOf((weak, "weak"), (_tokens.Rsa, _tokens.RsaKid));
        var token = TokenFactory.Sign(new() { ["alg"] = "RS256", ["kid"] = "weak" }, _tokens.Claims(), weak);
        var noKid = TokenFactory.Sign(new() { ["alg"] = "RS256" }, _tokens.Claims(), weak);

        var authorizer = StaticAuthorizer(o => o.Jwks = jwks);
        Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(authorizer, token)).Outcome);
        Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(authorizer, noKid)).Outcome);
    }

    [Fact]
    public async Task Token_signed_by_an_untrusted_key_is_unauthorized()
    {
        using var other = new TokenFactory();
        Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(StaticAuthorizer(), other.Create())).Outcome);
    }

    [Fact]
    public async Task Payload_modified_after_signing_is_unauthorized()
    {
        var parts = _tokens.Create().Split('.');
        var forgedPayload = TokenFactory.Encode(_tokens.Claims(sub: "admin-user", role: "admin"));
        var decision = await Authorize(StaticAuthorizer(), $"{parts[0]}.{forgedPayload}.{parts[2]}", Events.AdminArn);
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    [Fact]
    public async Task Symmetric_key_enables_HS256_only_when_configured()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var token = TokenFactory.Sign(new() { ["alg"] = "HS256" }, _tokens.Claims(), secret);
        var hmac = new TokenAuthorizer(new TokenAuthorizerOptions
        {
            Issuer = _tokens.Issuer, Audiences = [_tokens.Audience], SymmetricKey = Convert.ToBase64String(secret),
        });

        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(hmac, token)).Outcome);
        Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(hmac, _tokens.Create())).Outcome);
        Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(StaticAuthorizer(), token)).Outcome);
    }

    [Fact]
    public async Task Symmetric_key_in_a_JWKS_is_never_used()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var jwks = $$"""{"keys":[{"kty":"oct","kid":"hmac","k":"{{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(secret)}}"},{{TokenFactory.JwksOf((_tokens.Rsa, "rsa-1"))[9..^2]}}]}""";
        var token = TokenFactory.Sign(new() { ["alg"] = "HS256", ["kid"] = "hmac" }, _tokens.Claims(), secret);

        var decision = await Authorize(StaticAuthorizer(o => { o.Jwks = jwks; o.Algorithms = ["RS256"]; }), token);
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    [Fact]
    public async Task Decision_log_is_one_json_line_without_the_token()
    {
        var token = _tokens.Create();
        var authorizer = StaticAuthorizer();
        await Authorize(authorizer, token);
        await Authorize(authorizer, token + "x");
        await Authorize(authorizer, token, Events.AdminArn);

        var lines = _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var signature = token.Split('.')[2];
        foreach (var line in lines)
        {
            Assert.DoesNotContain(token.Split('.')[1], line);
            Assert.DoesNotContain(signature[..20], line);
            Assert.DoesNotContain("Bearer", line);
            using var json = System.Text.Json.JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("latencyMs", out _));
            Assert.True(json.RootElement.TryGetProperty("reason", out _));
        }
        Assert.Contains("\"outcome\":\"Allow\"", lines[0]);
        Assert.Contains("\"principal\":\"user-1\"", lines[0]);
        Assert.Contains("\"outcome\":\"Unauthorized\"", lines[1]);
        Assert.Contains("\"outcome\":\"Deny\"", lines[2]);
    }
}
