using SecureApi.AuthorizerContract;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

public sealed class TokenAuthorizerTests
{
    // One signing identity for the whole class: an RSA-2048 key pair per test made key generation most of the quick
    // loop. Tests that need a stranger's key make their own factory.
    private static readonly TokenFactory SharedTokens = new();
    private readonly TokenFactory _tokens = SharedTokens;
    private readonly StringWriter _log = new();

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
        Assert.Equal("default:user-1", decision.Response.PrincipalID); // identity is (issuer, sub)
        Assert.Equal("default:user-1", context["principalId"]);
        Assert.Equal("default", context["issuer"]);
        Assert.Equal("read,write", context["permissions"]);
        Assert.Equal("", context["role"]);
        Assert.Equal("jwt", context["authType"]);
        Assert.All(context.Where(kv => kv.Key != AuthorizerContextKeys.ExpiresAt), kv => Assert.IsType<string>(kv.Value));
    }

    [Fact]
    public async Task The_context_carries_the_token_expiry_as_epoch_seconds()
    {
        var exp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1234;
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(Claims(c => c["exp"] = exp)), Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome); // Deny responses carry it too (API Gateway caches both)
        Assert.Equal(exp, Assert.IsType<long>(decision.Response!.Context![AuthorizerContextKeys.ExpiresAt]));

        var json = System.Text.Json.JsonSerializer.Serialize(decision.Response,
            SecureApi.Lambda.APIGatewayEvents.APIGatewayEventsJsonContext.Default.APIGatewayCustomAuthorizerResponse);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var value = document.RootElement.GetProperty("context").GetProperty("expiresAt");
        Assert.Equal(System.Text.Json.JsonValueKind.Number, value.ValueKind);
        Assert.Equal(exp, value.GetInt64());
    }

    [Fact]
    public async Task The_context_carries_amr_and_auth_time_for_the_apis_step_up_check()
    {
        var authTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 42;
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(Claims(c => { c["amr"] = new[] { "pwd", "mfa", "a,b" }; c["auth_time"] = authTime; })));

        var context = decision.Response!.Context!;
        Assert.Equal("pwd,mfa", context[AuthorizerContextKeys.Amr]); // a value with the separator is left out, never split
        Assert.Equal(authTime, Assert.IsType<long>(context[AuthorizerContextKeys.AuthTime]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-number")]
    public async Task A_token_without_amr_or_a_numeric_auth_time_leaves_them_out_of_the_context(string? authTime)
    {
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(Claims(c => { if (authTime is not null) c["auth_time"] = authTime; })));

        Assert.False(decision.Response!.Context!.ContainsKey(AuthorizerContextKeys.Amr));
        Assert.False(decision.Response.Context.ContainsKey(AuthorizerContextKeys.AuthTime));
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
        Assert.All(effects.Values, effect => Assert.Equal("Allow", effect));
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
    [InlineData("role")]
    [InlineData("roles")]
    [InlineData("cognito:groups")]
    public async Task A_role_claim_element_containing_a_space_is_one_role_not_two(string claim)
    {
        var token = _tokens.Create(Claims(c => c[claim] = new[] { "admin trainees", "user" }));
        var decision = await Authorize(StaticAuthorizer(), token, Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
        Assert.Equal("admin trainees,user", decision.Response!.Context!["role"]);
        Assert.Equal(["admin trainees", "user"], ContextList.Split((string)decision.Response.Context["role"]));
    }

    [Theory]
    [InlineData("role")]
    [InlineData("roles")]
    [InlineData("cognito:groups")]
    public async Task A_role_claim_element_containing_a_comma_is_left_out_and_does_not_yield_its_parts(string claim)
    {
        var token = _tokens.Create(Claims(c => c[claim] = new[] { "admin,x" }));
        var decision = await Authorize(StaticAuthorizer(), token, Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
        Assert.Equal("Deny", Events.Effects(decision)[Events.AdminArn]);
        Assert.DoesNotContain("admin", ContextList.Split((string)decision.Response!.Context!["role"]));
    }

    [Theory]
    [InlineData("admin user")]
    [InlineData("admin,user")]
    public async Task A_string_role_claim_is_taken_whole(string value)
    {
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(Claims(c => c["role"] = value)), Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
        Assert.DoesNotContain("admin", ContextList.Split((string)decision.Response!.Context!["role"]));
    }

    [Fact]
    public async Task Permissions_array_elements_are_taken_whole()
    {
        var token = _tokens.Create(Claims(c => { c.Remove("scope"); c["permissions"] = new[] { "read write", "read,delete" }; }));
        var decision = await Authorize(StaticAuthorizer(), token);

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
        Assert.Equal("read write", decision.Response!.Context!["permissions"]);
    }

    [Theory]
    [InlineData("scope", "read  write")]
    [InlineData("scp", "write read")]
    public async Task Scope_and_a_string_scp_are_space_delimited(string claim, string value)
    {
        var token = _tokens.Create(Claims(c => { c.Remove("scope"); c[claim] = value; }));
        var decision = await Authorize(StaticAuthorizer(), token);

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal(["read", "write"], ContextList.Split((string)decision.Response!.Context!["permissions"]).Order());
    }

    [Fact]
    public async Task A_comma_in_scope_does_not_split_it()
    {
        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(Claims(c => c["scope"] = "read,write profile")));

        Assert.Equal(AuthorizerOutcome.Deny, decision.Outcome);
        Assert.Equal("profile", decision.Response!.Context!["permissions"]);
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
        { "bearer without space", "Bearer{token}" },
        { "scheme with a tab", "Bearer\t{token}" },
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

    [Theory]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    [InlineData("bEaReR")]
    public async Task The_bearer_scheme_is_matched_case_insensitively(string scheme)
    {
        var decision = await StaticAuthorizer().AuthorizeAsync(Events.Token(scheme + " " + _tokens.Create()));
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
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
        { "missing iss", ReasonCodes.UnknownIssuer },
        { "wrong iss", ReasonCodes.UnknownIssuer },
        { "iss upper case", ReasonCodes.UnknownIssuer },
        { "iss without trailing slash", ReasonCodes.UnknownIssuer },
        { "iss extra trailing slash", ReasonCodes.UnknownIssuer },
        { "iss with whitespace", ReasonCodes.UnknownIssuer },
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

    /// <summary>A token whose header is exactly <paramref name="headerJson"/>, RS256-signed by the trusted key.</summary>
    private string SignedWithHeader(string headerJson, Dictionary<string, object?>? claims = null)
    {
        var input = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(headerJson)) + "." + TokenFactory.Encode(claims ?? _tokens.Claims());
        var signature = _tokens.Rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(signature);
    }

    [Fact]
    public async Task A_token_whose_header_is_well_typed_and_signed_by_a_trusted_key_is_allowed()
    {
        var decision = await Authorize(StaticAuthorizer(), SignedWithHeader("""{"alg":"RS256","kid":"rsa-1","typ":"JWT","cty":"json"}"""));
        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
    }

    [Fact]
    public async Task A_token_whose_kid_header_is_null_is_refused()
    {
        var decision = await Authorize(StaticAuthorizer(), SignedWithHeader("""{"alg":"RS256","kid":null,"typ":"JWT"}"""));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        Assert.Equal(ReasonCodes.MalformedHeader, decision.ReasonCode);
    }

    public static TheoryData<string, string> MistypedHeaderMembers => new()
    {
        { "kid null", """{"alg":"RS256","kid":null}""" },
        { "kid number", """{"alg":"RS256","kid":1}""" },
        { "kid array", """{"alg":"RS256","kid":["rsa-1"]}""" },
        { "kid object", """{"alg":"RS256","kid":{"id":"rsa-1"}}""" },
        { "kid boolean", """{"alg":"RS256","kid":true}""" },
        { "kid null then string", """{"alg":"RS256","kid":null,"kid":"rsa-1"}""" },
        { "alg array", """{"alg":["RS256"],"kid":"rsa-1"}""" },
        { "alg null", """{"alg":null,"kid":"rsa-1"}""" },
        { "typ null", """{"alg":"RS256","kid":"rsa-1","typ":null}""" },
        { "typ number", """{"alg":"RS256","kid":"rsa-1","typ":1}""" },
        { "typ array", """{"alg":"RS256","kid":"rsa-1","typ":["JWT"]}""" },
        { "cty null", """{"alg":"RS256","kid":"rsa-1","cty":null}""" },
        { "cty object", """{"alg":"RS256","kid":"rsa-1","cty":{}}""" },
        { "crit number", """{"alg":"RS256","kid":"rsa-1","crit":1}""" },
        { "crit array of numbers", """{"alg":"RS256","kid":"rsa-1","crit":[1]}""" },
        { "crit null", """{"alg":"RS256","kid":"rsa-1","crit":null}""" },
        { "header is an array", """["alg","RS256"]""" },
    };

    [Theory]
    [MemberData(nameof(MistypedHeaderMembers))]
    public async Task A_token_whose_header_members_have_the_wrong_json_type_is_refused_even_when_the_signature_verifies(string _, string headerJson)
    {
        var decision = await Authorize(StaticAuthorizer(), SignedWithHeader(headerJson));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    public static TheoryData<string> MistypedClaims => new()
    {
        "exp string", "exp numeric string", "exp null", "exp boolean", "exp array",
        "nbf string", "iat string", "iat object",
        "sub number", "sub array", "sub null", "sub object", "sub boolean",
    };

    [Theory]
    [MemberData(nameof(MistypedClaims))]
    public async Task A_token_whose_registered_claims_have_the_wrong_json_type_is_refused(string problem)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = Claims(c =>
        {
            switch (problem)
            {
                case "exp string": c["exp"] = (now + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                case "exp numeric string": c["exp"] = "4102444800"; break;
                case "exp null": c["exp"] = null; break;
                case "exp boolean": c["exp"] = true; break;
                case "exp array": c["exp"] = new object[] { now + 3600 }; break;
                case "nbf string": c["nbf"] = (now - 5).ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                case "iat string": c["iat"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                case "iat object": c["iat"] = new Dictionary<string, object?> { ["t"] = now }; break;
                case "sub number": c["sub"] = 12345L; break;
                case "sub array": c["sub"] = new[] { "user-1" }; break;
                case "sub null": c["sub"] = null; break;
                case "sub object": c["sub"] = new Dictionary<string, object?> { ["id"] = "user-1" }; break;
                case "sub boolean": c["sub"] = true; break;
            }
        });

        var decision = await Authorize(StaticAuthorizer(), _tokens.Create(claims));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
    }

    public static TheoryData<string, int?, bool> Lifetimes => new()
    {
        // name, MaxTokenLifetimeSeconds (null = default 24 h), allowed
        { "one hour from iat", null, true },
        { "exactly 24 h from iat", null, true },
        { "ten years from iat", null, false },
        { "25 h from nbf without iat", null, false },
        { "25 h from now without iat or nbf", null, false },
        { "two hours with a one hour maximum", 3600, false },
        { "iat long ago and exp within 24 h of it", null, true },
    };

    [Theory]
    [MemberData(nameof(Lifetimes))]
    public async Task A_token_valid_for_longer_than_the_maximum_lifetime_is_refused(string shape, int? maxLifetime, bool allowed)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = Claims(c =>
        {
            switch (shape)
            {
                case "exactly 24 h from iat": c["iat"] = now - 60; c["exp"] = now - 60 + 86400; break;
                case "ten years from iat": c["exp"] = now + 10L * 365 * 86400; break;
                case "25 h from nbf without iat": c.Remove("iat"); c["exp"] = now - 5 + 25 * 3600; break;
                case "25 h from now without iat or nbf": c.Remove("iat"); c.Remove("nbf"); c["exp"] = now + 25 * 3600; break;
                case "two hours with a one hour maximum": c["exp"] = now + 7200; break;
                case "iat long ago and exp within 24 h of it": c["iat"] = now - 80000; c["nbf"] = now - 80000; c["exp"] = now + 3600; break;
            }
        });

        var decision = await Authorize(StaticAuthorizer(o => { if (maxLifetime is { } m) o.MaxTokenLifetimeSeconds = m; }), _tokens.Create(claims));
        Assert.Equal(allowed ? AuthorizerOutcome.Allow : AuthorizerOutcome.Unauthorized, decision.Outcome);
        if (!allowed) Assert.Equal(ReasonCodes.LifetimeTooLong, decision.ReasonCode);
    }

    public static TheoryData<string, string?, bool> TokenTypes => new()
    {
        // required type, typ header (null = absent), allowed
        { "at+jwt", "at+jwt", true },
        { "at+jwt", "AT+JWT", true },
        { "at+jwt", "application/at+jwt", true },
        { "at+jwt", "Application/AT+JWT", true },
        { "application/at+jwt", "at+jwt", true },
        { "at+jwt", "JWT", false },
        { "at+jwt", null, false },
        { "at+jwt", "at+jwt ", false },
        { "at+jwt", "x-at+jwt", false },
        { "at+jwt", "application/jwt", false },
        { "at+jwt", "application/application/at+jwt", false },
    };

    [Theory]
    [MemberData(nameof(TokenTypes))]
    public async Task The_required_token_type_is_matched_case_insensitively_with_an_optional_application_prefix(string required, string? typ, bool allowed)
    {
        var header = new Dictionary<string, object?> { ["alg"] = "RS256", ["kid"] = _tokens.RsaKid };
        if (typ is not null) header["typ"] = typ;
        var token = TokenFactory.Sign(header, _tokens.Claims(), _tokens.Rsa);

        var decision = await Authorize(StaticAuthorizer(o => o.RequiredTokenType = required), token);
        Assert.Equal(allowed ? AuthorizerOutcome.Allow : AuthorizerOutcome.Unauthorized, decision.Outcome);
        if (!allowed) Assert.Equal(ReasonCodes.WrongTokenType, decision.ReasonCode);
    }

    public static TheoryData<string, object?, bool> TokenUses => new()
    {
        { "access", "access", true },
        { "id", "id", false },
        { "missing", null, false },
        { "different case", "Access", false },
        { "array", new[] { "access" }, false },
    };

    [Theory]
    [MemberData(nameof(TokenUses))]
    public async Task The_required_token_use_must_be_exactly_that_string(string _, object? tokenUse, bool allowed)
    {
        var token = _tokens.Create(Claims(c => { if (tokenUse is not null) c["token_use"] = tokenUse; }));

        var decision = await Authorize(StaticAuthorizer(o => o.RequiredTokenUse = "access"), token);
        Assert.Equal(allowed ? AuthorizerOutcome.Allow : AuthorizerOutcome.Unauthorized, decision.Outcome);
        if (!allowed) Assert.Equal(ReasonCodes.WrongTokenType, decision.ReasonCode);
    }

    /// <summary>The shape of a Cognito user pool access token: client_id and token_use, no aud.</summary>
    private Dictionary<string, object?> CognitoAccessClaims(object? clientId, string tokenUse = "access") => Claims(c =>
    {
        c.Remove("aud");
        if (clientId is not null) c["client_id"] = clientId;
        c["token_use"] = tokenUse;
        c["cognito:groups"] = new[] { "admin" };
        c["username"] = "alice";
    });

    private TokenAuthorizer CognitoAuthorizer() => StaticAuthorizer(o =>
    {
        o.Audiences = ["app-client-1"];
        o.AudienceClaim = "client_id";
        o.RequiredTokenUse = "access";
    });

    [Fact]
    public async Task A_Cognito_access_token_is_allowed_when_the_app_client_id_is_matched_instead_of_aud()
    {
        var decision = await Authorize(CognitoAuthorizer(), _tokens.Create(CognitoAccessClaims("app-client-1")), Events.AdminArn);

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal("admin", decision.Response!.Context!["role"]);
    }

    public static TheoryData<string> CognitoRejections => new() { "other client", "no client_id", "client_id array", "id token", "default audience claim" };

    [Theory]
    [MemberData(nameof(CognitoRejections))]
    public async Task A_Cognito_token_for_another_client_or_of_the_wrong_use_is_refused(string problem)
    {
        var (claims, authorizer) = problem switch
        {
            "other client" => (CognitoAccessClaims("app-client-2"), CognitoAuthorizer()),
            "no client_id" => (CognitoAccessClaims(null), CognitoAuthorizer()),
            "client_id array" => (CognitoAccessClaims(new[] { "app-client-1" }), CognitoAuthorizer()),
            "id token" => (Claims(c => { c["aud"] = "app-client-1"; c["token_use"] = "id"; }), CognitoAuthorizer()),
            _ => (CognitoAccessClaims("app-client-1"), StaticAuthorizer(o => o.Audiences = ["app-client-1"])),
        };

        var decision = await Authorize(authorizer, _tokens.Create(claims));
        Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
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
        Assert.Contains("\"principal\":\"default:user-1\"", lines[0]);
        Assert.Contains("\"outcome\":\"Unauthorized\"", lines[1]);
        Assert.Contains("\"outcome\":\"Deny\"", lines[2]);
    }
}
