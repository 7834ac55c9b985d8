using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.LocalGateway;
using SecureApi.Authorizers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// The API's own per-request check against the store, after the gateway allowed: disabled principals, revoked keys,
/// the stored route table, and the store being down. Each test has its own host (they change shared state).
/// </summary>
public sealed class RouteCheckTests
{
    [Fact]
    public async Task Disabled_principal_is_refused_with_401_by_the_api_although_the_gateway_allowed_it()
    {
        await using var factory = new SecureApiFactory();
        var (before, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.CustomHeader));

        var (put, _, _) = await factory.SendAsync("PUT", "/principals/custom-user", """{"roles":["admin"],"permissions":["read"],"disabled":true}""");
        Assert.Equal(201, put);
        var (status, _, headers) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.CustomHeader));

        Assert.Equal(200, before);
        Assert.Equal(401, status);
        Assert.Equal("application/problem+json", headers.ContentType);
        Assert.Equal(3, factory.AuthorizerInvocations); // the gateway ran the authorizer for each call: the 401 is the API's (problem+json, not the gateway's JSON)
    }

    [Fact]
    public async Task Disabled_token_subject_is_refused_with_401_while_the_gateway_still_caches_its_allow()
    {
        await using var factory = new SecureApiFactory();
        var (before, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected", CaseCredential.UserToken));

        await factory.SendAsync("PUT", "/principals/default:test-user", """{"roles":["user"],"permissions":["read"],"disabled":true}"""); // issuer:sub
        var (status, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected", CaseCredential.UserToken));

        Assert.Equal(200, before);
        Assert.Equal(401, status);
    }

    [Fact]
    public async Task A_stored_principal_record_replaces_the_roles_of_the_authorizer_context()
    {
        await using var factory = new SecureApiFactory();

        await factory.SendAsync("PUT", "/principals/custom-user", """{"roles":["user"],"permissions":["read"]}""");
        var (status, _, headers) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.CustomHeader));

        Assert.Equal(403, status);
        Assert.Equal("application/problem+json", headers.ContentType);
    }

    [Fact]
    public async Task Revoked_store_key_is_refused_with_401_on_the_next_request()
    {
        string? keyId = null;
        await using var factory = new SecureApiFactory
        {
            // What the store-aware REQUEST authorizer will do: name the store key it admitted in the context.
            EditAuthorizerResponse = r => { if (r.PrincipalID == "custom-user" && keyId is not null) r.Context![AuthorizerContextKeys.KeyId] = keyId; },
        };
        await factory.SendAsync("PUT", "/principals/custom-user", """{"roles":["admin"],"permissions":["read"]}""");
        var (_, created, _) = await factory.SendAsync("POST", "/principals/custom-user/keys", """{"kind":"custom-header"}""");
        keyId = AdminCalls.Json(created).GetProperty("keyId").GetString();
        var (active, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.CustomHeader));

        await factory.SendAsync("DELETE", $"/keys/{keyId}");
        var (revoked, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.CustomHeader));

        Assert.Equal(200, active);
        Assert.Equal(401, revoked);
    }

    [Fact]
    public async Task Expired_or_foreign_store_key_is_refused_with_401()
    {
        string? keyId = null;
        await using var factory = new SecureApiFactory
        {
            EditAuthorizerResponse = r => { if (r.PrincipalID == "custom-user" && keyId is not null) r.Context![AuthorizerContextKeys.KeyId] = keyId; },
        };
        await factory.SendAsync("PUT", "/principals/someone-else", """{"roles":["admin"],"permissions":[]}""");
        var expiry = factory.Clock.GetUtcNow().AddMinutes(5).ToString("O");
        var (_, foreign, _) = await factory.SendAsync("POST", "/principals/someone-else/keys", $$"""{"kind":"custom-header","expiresAt":"{{expiry}}"}""");
        keyId = AdminCalls.Json(foreign).GetProperty("keyId").GetString();

        var (foreignStatus, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.CustomHeader));
        await factory.SendAsync("PUT", "/principals/custom-user", """{"roles":["admin"],"permissions":[]}""");
        var (_, own, _) = await factory.SendAsync("POST", "/principals/custom-user/keys", $$"""{"kind":"custom-header","expiresAt":"{{expiry}}"}""");
        keyId = AdminCalls.Json(own).GetProperty("keyId").GetString();
        var (ownStatus, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.CustomHeader));
        factory.Clock.Advance(TimeSpan.FromMinutes(6));
        var (expiredStatus, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.CustomHeader));

        Assert.Equal(401, foreignStatus);
        Assert.Equal(200, ownStatus);
        Assert.Equal(401, expiredStatus);
    }

    [Fact]
    public async Task The_stored_route_table_decides_on_the_api_side()
    {
        await using var factory = new SecureApiFactory();
        var routes = AdminCalls.RoutesJson(rules => rules.Select(r => r.Path == "/protected"
            ? (object)new { verb = r.Verb, path = r.Path, requiredPermission = "delete", requiredRole = (string?)null }
            : AdminCalls.Rule(r)));

        var (put, putBody, _) = await factory.SendAsync("PUT", "/routes", routes);
        var (_, getBody, _) = await factory.SendAsync("GET", "/routes");
        var (user, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected", CaseCredential.UserToken));
        var (admin, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected", CaseCredential.AdminToken));

        Assert.Equal(200, put);
        Assert.True(AdminCalls.Json(putBody).GetProperty("stored").GetBoolean());
        var got = AdminCalls.Json(getBody);
        Assert.True(got.GetProperty("stored").GetBoolean());
        Assert.Equal(RouteRules.Default.Rules.Count, got.GetProperty("routes").GetArrayLength());
        Assert.Contains(got.GetProperty("routes").EnumerateArray(), r => r.GetProperty("requiredPermission").GetString() == "delete");
        Assert.Equal(403, user);   // the gateway (default table) allowed read; the stored table asks delete
        Assert.Equal(200, admin);
        var audit = await factory.AuditAsync();
        Assert.Contains(audit, a => a.Action == AuditActions.RouteRulesUpdated && a.Actor == AdminCalls.Actor);
    }

    [Fact]
    public async Task Route_table_is_the_default_until_one_is_stored()
    {
        await using var factory = new SecureApiFactory();

        var (status, body, _) = await factory.SendAsync("GET", "/routes");

        Assert.Equal(200, status);
        var json = AdminCalls.Json(body);
        Assert.False(json.GetProperty("stored").GetBoolean());
        Assert.Equal(RouteRules.Default.Rules.Select(r => $"{r.Verb} {r.Path}"),
            json.GetProperty("routes").EnumerateArray().Select(r => $"{r.GetProperty("verb").GetString()} {r.GetProperty("path").GetString()}"));
    }

    [Theory]
    [InlineData("GET", "/protected", CaseCredential.UserToken)]
    [InlineData("GET", "/protected/admin", CaseCredential.AdminApiKey)]
    [InlineData("GET", "/protected/admin/routes", CaseCredential.AdminApiKey)]
    public async Task Store_unavailable_is_a_503_problem_with_retry_after_never_an_allow(string method, string path, CaseCredential credential)
    {
        // The API's store is down; the gateway's authorizers (deployed: other functions) still answer from theirs.
        SecureApiFactory factory = null!;
        factory = new SecureApiFactory
        {
            ExtraServices = s => s.AddSingleton<IAuthorizationStore>(new UnavailableStore()),
            InvokerOverride = new StorelessAuthorizers(() => factory.Credentials),
        };
        await using var _ = factory;

        var (status, body, headers) = await factory.SendAsync(new CaseRequest(method, path, credential));
        var (publicStatus, _, _) = await factory.SendAsync(new CaseRequest("GET", "/public"));

        Assert.Equal(503, status);
        Assert.Equal("application/problem+json", headers.ContentType);
        Assert.False(string.IsNullOrEmpty(headers.RetryAfter));
        Assert.DoesNotContain("timeout", body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(200, publicStatus);
    }

    [Theory]
    [InlineData("GET", "/protected", CaseCredential.UserToken)]
    [InlineData("GET", "/protected/admin", CaseCredential.AdminApiKey)]
    public async Task Store_unavailable_to_the_authorizers_is_a_401_from_the_gateway_never_an_allow(string method, string path, CaseCredential credential)
    {
        await using var factory = new SecureApiFactory { ExtraServices = s => s.AddSingleton<IAuthorizationStore>(new UnavailableStore()) };

        var (status, body, _) = await factory.SendAsync(new CaseRequest(method, path, credential));

        Assert.Equal(401, status);
        Assert.Equal("""{"message":"Unauthorized"}""", body);
    }

    /// <summary>The in-process authorizers with the test credentials and no store, built on first use.</summary>
    private sealed class StorelessAuthorizers(Func<GatewayTestCredentials> credentials) : IAuthorizerInvoker
    {
        private InProcessAuthorizerInvoker? _inner;

        public Task<AuthorizerInvocation> InvokeAsync(AuthorizerDefinition authorizer, APIGatewayCustomAuthorizerRequest request, CancellationToken ct)
        {
            if (_inner is null)
            {
                var configuration = new ConfigurationBuilder().AddInMemoryCollection(credentials().Configuration).Build();
                var token = new TokenAuthorizer(TokenAuthorizerOptions.FromConfiguration(configuration.GetSection(TokenAuthorizerOptions.SectionName)));
                _inner = new InProcessAuthorizerInvoker(() => token,
                    new RequestAuthorizer(RequestAuthorizerOptions.FromConfiguration(configuration.GetSection(RequestAuthorizerOptions.SectionName))));
            }
            return _inner.InvokeAsync(authorizer, request, ct);
        }
    }

    [Fact]
    public async Task Invalid_store_settings_stop_the_start_naming_the_setting()
    {
        await using var factory = new SecureApiFactory
        {
            ExtraConfiguration = new Dictionary<string, string?> { ["AuthorizationStore:CacheSeconds"] = "3600" },
        };

        var error = factory.StartupFailure();

        Assert.Contains("AuthorizationStore__CacheSeconds", error.ToString());
    }
}
