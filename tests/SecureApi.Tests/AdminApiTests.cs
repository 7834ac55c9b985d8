using System.Text.Json;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>The admin API through the local stage and the embedded in-memory store.</summary>
public sealed class AdminApiTests(SecureApiFactory factory) : IClassFixture<SecureApiFactory>
{
    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Put_principal_creates_it_with_201_then_replaces_it_with_200()
    {
        var id = NewId("alice");

        var (created, createdBody, _) = await factory.SendAsync("PUT", $"/principals/{id}", """{"roles":["user"],"permissions":["read"]}""");
        var (replaced, replacedBody, _) = await factory.SendAsync("PUT", $"/principals/{id}", """{"roles":["admin"],"permissions":["read","write"],"disabled":true}""");

        Assert.Equal(201, created);
        Assert.Equal(id, AdminCalls.Json(createdBody).GetProperty("principalId").GetString());
        Assert.Equal(200, replaced);
        var body = AdminCalls.Json(replacedBody);
        Assert.Equal("admin", body.GetProperty("roles")[0].GetString());
        Assert.Equal(2, body.GetProperty("permissions").GetArrayLength());
        Assert.True(body.GetProperty("disabled").GetBoolean());
    }

    [Fact]
    public async Task Get_principal_returns_the_stored_record_or_a_404_problem()
    {
        var id = NewId("bob");
        await factory.SendAsync("PUT", $"/principals/{id}", """{"roles":["user"],"permissions":[]}""");

        var (found, foundBody, _) = await factory.SendAsync("GET", $"/principals/{id}");
        var (missing, _, missingHeaders) = await factory.SendAsync("GET", $"/principals/{NewId("nobody")}");

        Assert.Equal(200, found);
        Assert.Equal("user", AdminCalls.Json(foundBody).GetProperty("roles")[0].GetString());
        Assert.Equal(404, missing);
        Assert.Equal("application/problem+json", missingHeaders.ContentType);
    }

    [Fact]
    public async Task Create_key_shows_a_prefixed_256_bit_secret_once_and_stores_only_its_hash()
    {
        var id = NewId("carol");
        await factory.SendAsync("PUT", $"/principals/{id}", """{"roles":["admin"],"permissions":[]}""");

        var (status, body, _) = await factory.SendAsync("POST", $"/principals/{id}/keys",
            """{"kind":"api-key","expiresAt":"2999-01-01T00:00:00Z","description":"ci pipeline"}""");

        Assert.Equal(201, status);
        var key = AdminCalls.Json(body);
        var secret = key.GetProperty("secret").GetString()!;
        var keyId = key.GetProperty("keyId").GetString()!;
        Assert.StartsWith("sapi_", secret);
        Assert.Matches("^sapi_[A-Za-z0-9_-]{43,}$", secret);
        Assert.Equal("api-key", key.GetProperty("kind").GetString());
        Assert.Equal(id, key.GetProperty("principalId").GetString());
        Assert.Equal(new DateTimeOffset(2999, 1, 1, 0, 0, 0, TimeSpan.Zero), key.GetProperty("expiresAt").GetDateTimeOffset());
        var stored = await factory.Store().GetCredentialAsync(keyId);
        Assert.Equal(GatewayTestCredentials.Sha256Hex(secret), stored!.Sha256);

        var (listed, listBody, _) = await factory.SendAsync("GET", $"/principals/{id}/keys");
        Assert.Equal(200, listed);
        Assert.DoesNotContain(secret, listBody);
        Assert.DoesNotContain(stored.Sha256, listBody);
        Assert.DoesNotContain("secret", listBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sha256", listBody, StringComparison.OrdinalIgnoreCase);
        var keys = AdminCalls.Json(listBody).GetProperty("keys");
        Assert.Equal(keyId, Assert.Single(keys.EnumerateArray()).GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task Each_key_gets_its_own_secret_and_key_id()
    {
        var id = NewId("dave");
        await factory.SendAsync("PUT", $"/principals/{id}", """{"roles":[],"permissions":[]}""");

        var (_, first, _) = await factory.SendAsync("POST", $"/principals/{id}/keys", """{"kind":"custom-header"}""");
        var (_, second, _) = await factory.SendAsync("POST", $"/principals/{id}/keys", """{"kind":"custom-header"}""");

        Assert.NotEqual(AdminCalls.Json(first).GetProperty("secret").GetString(), AdminCalls.Json(second).GetProperty("secret").GetString());
        Assert.NotEqual(AdminCalls.Json(first).GetProperty("keyId").GetString(), AdminCalls.Json(second).GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task Key_for_an_unknown_principal_is_a_404_and_writes_nothing()
    {
        var id = NewId("ghost");
        var auditBefore = (await factory.AuditAsync()).Count;

        var (status, _, _) = await factory.SendAsync("POST", $"/principals/{id}/keys", """{"kind":"api-key"}""");
        var (listStatus, _, _) = await factory.SendAsync("GET", $"/principals/{id}/keys");

        Assert.Equal(404, status);
        Assert.Equal(404, listStatus);
        Assert.Equal(auditBefore, (await factory.AuditAsync()).Count);
    }

    [Fact]
    public async Task Revoke_key_is_204_and_the_list_shows_it_revoked_and_an_unknown_key_is_404()
    {
        var id = NewId("erin");
        await factory.SendAsync("PUT", $"/principals/{id}", """{"roles":[],"permissions":[]}""");
        var (_, created, _) = await factory.SendAsync("POST", $"/principals/{id}/keys", """{"kind":"api-key"}""");
        var keyId = AdminCalls.Json(created).GetProperty("keyId").GetString();

        var (revoked, _, _) = await factory.SendAsync("DELETE", $"/keys/{keyId}");
        var (again, _, _) = await factory.SendAsync("DELETE", $"/keys/{keyId}");
        var (unknown, _, unknownHeaders) = await factory.SendAsync("DELETE", "/keys/key_doesnotexist");
        var (_, listBody, _) = await factory.SendAsync("GET", $"/principals/{id}/keys");

        Assert.Equal(204, revoked);
        Assert.Equal(204, again);
        Assert.Equal(404, unknown);
        Assert.Equal("application/problem+json", unknownHeaders.ContentType);
        var key = Assert.Single(AdminCalls.Json(listBody).GetProperty("keys").EnumerateArray());
        Assert.Equal("revoked", key.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, key.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task A_non_ascii_principal_id_the_store_accepts_can_be_managed_and_one_the_rule_refuses_is_a_400()
    {
        var id = "josé-日本-" + Guid.NewGuid().ToString("N")[..8];                 // an IdP's sub need not be ASCII
        var path = "/principals/" + Uri.EscapeDataString(id);

        var (created, createdBody, _) = await factory.SendAsync("PUT", path, """{"roles":["user"],"permissions":["read"]}""");
        var (read, readBody, _) = await factory.SendAsync("GET", path);
        var (refused, refusedBody, _) = await factory.SendAsync("PUT", "/principals/" + Uri.EscapeDataString(id + "\u0001"), """{"roles":[],"permissions":[]}""");

        Assert.Equal(201, created);
        Assert.Equal(id, AdminCalls.Json(createdBody).GetProperty("principalId").GetString());
        Assert.Equal(200, read);
        Assert.Equal(id, AdminCalls.Json(readBody).GetProperty("principalId").GetString());
        Assert.Equal(id, (await factory.Store().GetPrincipalAsync(id))?.Id);
        Assert.Equal(400, refused);
        Assert.True(AdminCalls.Json(refusedBody).GetProperty("errors").TryGetProperty("principalId", out _), refusedBody);
    }

    public static TheoryData<string, string, string?, string> InvalidInputs => new()
    {
        { "PUT", "/principals/%20bad-id", """{"roles":[],"permissions":[]}""", "principalId" },
        { "PUT", "/principals/" + new string('p', 129), """{"roles":[],"permissions":[]}""", "principalId" },
        { "PUT", "/principals/valid-id", """{"permissions":[]}""", "roles" },
        { "PUT", "/principals/valid-id", """{"roles":[]}""", "permissions" },
        { "PUT", "/principals/valid-id", """{"roles":["admin,user"],"permissions":[]}""", "roles[0]" },
        { "PUT", "/principals/valid-id", """{"roles":[" admin"],"permissions":[]}""", "roles[0]" },
        { "PUT", "/principals/valid-id", """{"roles":["admin "],"permissions":[]}""", "roles[0]" },
        { "PUT", "/principals/valid-id", """{"roles":[""],"permissions":[]}""", "roles[0]" },
        { "PUT", "/principals/valid-id", """{"roles":[null],"permissions":[]}""", "roles[0]" },
        { "PUT", "/principals/valid-id", """{"roles":[],"permissions":["read","write,delete"]}""", "permissions[1]" },
        { "POST", "/principals/valid-id/keys", """{"kind":"password"}""", "kind" },
        { "POST", "/principals/valid-id/keys", """{}""", "kind" },
        { "POST", "/principals/valid-id/keys", """{"kind":"api-key","expiresAt":"next tuesday"}""", "expiresAt" },
        { "POST", "/principals/valid-id/keys", """{"kind":"api-key","expiresAt":"2001-01-01T00:00:00Z"}""", "expiresAt" },
        { "POST", "/principals/valid-id/keys", """{"kind":"api-key","description":"DESC"}""".Replace("DESC", new string('d', 257)), "description" },
        { "POST", "/principals/%20bad-id/keys", """{"kind":"api-key"}""", "principalId" },
        { "POST", "/principals/default:valid-id/keys", """{"kind":"api-key"}""", "principalId" }, // a token subject holds no keys
        { "PUT", "/principals/Okta_Prod:alice", """{"roles":[],"permissions":[]}""", "principalId" },   // issuer part is not a registry name
        { "GET", "/principals/%20bad-id", null, "principalId" },
        { "DELETE", "/keys/%20bad-id", null, "keyId" },
        { "PUT", "/routes", """{}""", "routes" },
        { "PUT", "/routes", AdminCalls.RoutesJson(rules => rules.Select((r, i) => i == 0 ? (object)new { verb = "ANY", path = r.Path, requiredPermission = r.RequiredPermission, requiredRole = r.RequiredRole } : AdminCalls.Rule(r))), "routes[0].verb" },
        { "PUT", "/routes", AdminCalls.RoutesJson(rules => rules.Select((r, i) => i == 0 ? (object)new { verb = r.Verb, path = "/protected/*", requiredPermission = r.RequiredPermission, requiredRole = r.RequiredRole } : AdminCalls.Rule(r))), "routes[0].path" },
        { "PUT", "/routes", AdminCalls.RoutesJson(rules => rules.Select((r, i) => i == 1 ? (object)new { verb = r.Verb, path = r.Path, requiredPermission = r.RequiredPermission, requiredRole = "ad,min" } : AdminCalls.Rule(r))), "routes[1].requiredRole" },
        { "PUT", "/routes", AdminCalls.RoutesJson(rules => rules.Skip(1).Select(AdminCalls.Rule)), "routes" },
        { "PUT", "/routes", AdminCalls.RoutesJson(rules => rules.Select(AdminCalls.Rule).Append(new { verb = "GET", path = "/protected/secret", requiredPermission = (string?)null, requiredRole = "admin" })), $"routes[{RouteRules.Default.Rules.Count}]" },
        { "PUT", "/routes", AdminCalls.RoutesJson(rules => rules.Select(AdminCalls.Rule).Append(AdminCalls.Rule(rules.First()))), $"routes[{RouteRules.Default.Rules.Count}]" },
    };

    [Theory]
    [MemberData(nameof(InvalidInputs))]
    public async Task Invalid_input_is_a_400_problem_naming_the_field_and_writes_nothing(string method, string path, string? json, string field)
    {
        await factory.SendAsync("PUT", "/principals/valid-id", """{"roles":[],"permissions":[]}""");
        var auditBefore = (await factory.AuditAsync()).Count;

        var (status, body, headers) = await factory.SendAsync(method, path, json);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", headers.ContentType);
        Assert.True(AdminCalls.Json(body).TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"no error for {field}: {body}");
        Assert.Equal(auditBefore, (await factory.AuditAsync()).Count);
        Assert.Empty(await factory.Store().ListCredentialsAsync("valid-id"));
    }

    [Fact]
    public async Task Every_change_writes_an_audit_record_naming_the_caller_and_never_the_secret()
    {
        var id = NewId("frank");
        await factory.SendAsync("PUT", $"/principals/{id}", """{"roles":["user"],"permissions":["read"]}""");
        var (_, created, _) = await factory.SendAsync("POST", $"/principals/{id}/keys", """{"kind":"api-key"}""");
        var key = AdminCalls.Json(created);
        var keyId = key.GetProperty("keyId").GetString()!;
        var secret = key.GetProperty("secret").GetString()!;
        await factory.SendAsync("DELETE", $"/keys/{keyId}");

        var audit = await factory.AuditAsync();

        var mine = audit.Where(a => a.Subject == "principal:" + id || a.Subject == "credential:" + keyId).ToList();
        Assert.Equal( // one record per change (the manual clock stands still, so compare without order)
            new[] { AuditActions.CredentialCreated, AuditActions.CredentialRevoked, AuditActions.PrincipalCreated },
            mine.Select(a => a.Action).Order(StringComparer.Ordinal).ToArray());
        Assert.All(mine, a => Assert.Equal(AdminCalls.Actor, a.Actor));
        Assert.All(audit, a => Assert.DoesNotContain(secret, a.Detail));
        Assert.All(audit, a => Assert.DoesNotContain(GatewayTestCredentials.Sha256Hex(secret), a.Detail));
    }

    [Fact]
    public async Task A_caller_without_role_admin_is_refused_by_the_gateway()
    {
        var (status, _, _) = await factory.SendAsync("GET", "/routes", credential: CaseCredential.UserApiKey);

        Assert.Equal(403, status);
    }
}
