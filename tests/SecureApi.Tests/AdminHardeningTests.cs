using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.AuthorizerContract;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// The admin API under a determined caller (issue 19): nothing lost in an update, secrets never cached, guard rails,
/// who-did-it in the audit trail. The same tests run on the in-memory store and on the DynamoDB server (moto).
/// </summary>
public abstract class AdminHardeningContract
{
    /// <summary>A fresh host (its own store or table); <paramref name="edit"/> edits each authorizer response.</summary>
    protected abstract SecureApiFactory NewFactory(Action<APIGatewayCustomAuthorizerResponse>? edit = null);

    [Fact]
    public async Task A_put_without_plan_keeps_the_stored_plan_and_plan_null_removes_it()
    {
        await using var factory = NewFactory();
        await factory.SendAsync("PUT", "/principals/alice", """{"roles":["user"],"permissions":[],"plan":{"quota":7}}""");

        var (kept, keptBody, _) = await factory.SendAsync("PUT", "/principals/alice", """{"roles":["admin"],"permissions":[]}""");
        var keptPlan = (await factory.Store().GetPrincipalAsync("alice"))?.Plan;
        var (removed, removedBody, _) = await factory.SendAsync("PUT", "/principals/alice", """{"roles":["admin"],"permissions":[],"plan":null}""");

        Assert.Equal((200, 200), (kept, removed));
        Assert.Equal(7, AdminCalls.Json(keptBody).GetProperty("plan").GetProperty("quota").GetInt64());
        Assert.Equal(7, keptPlan?.Quota);
        Assert.False(AdminCalls.Json(removedBody).TryGetProperty("plan", out var plan) && plan.ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.Null((await factory.Store().GetPrincipalAsync("alice"))?.Plan);
    }

    [Fact]
    public async Task The_audit_record_of_a_put_holds_roles_permissions_disabled_and_plan_before_and_after()
    {
        await using var factory = NewFactory();
        await factory.SendAsync("PUT", "/principals/bob", """{"roles":["user"],"permissions":["read"],"plan":{"quota":7}}""");
        await factory.SendAsync("PUT", "/principals/bob", """{"roles":["user"],"permissions":[],"disabled":true,"plan":null}""");

        var updated = Assert.Single(await factory.AuditAsync(), a => a.Action == AuditActions.PrincipalUpdated && a.Subject == "principal:bob");

        Assert.Equal("before: roles=[user] permissions=[read] disabled=false plan={quota=7} after: roles=[user] permissions=[] disabled=true plan=default",
            updated.Detail);
    }

    [Fact]
    public async Task Every_response_that_carries_a_secret_says_cache_control_no_store()
    {
        await using var factory = NewFactory();
        await factory.SendAsync("PUT", "/principals/carol", """{"roles":["user"],"permissions":[]}""");

        var (created, _, keyHeaders) = await factory.SendAsync("POST", "/principals/carol/keys", """{"kind":"api-key"}""");
        var (enrolled, _, enrollHeaders) = await factory.SendAsync(await StepUp.StepUpCalls.EnrollmentRequestAsync(factory, "/protected/admin/mfa/enrollment", CaseCredential.AdminApiKey));

        Assert.Equal((201, 201), (created, enrolled));
        Assert.Equal("no-store", keyHeaders.CacheControl.ToString());
        Assert.Equal("no-store", enrollHeaders.CacheControl.ToString());
    }

    [Fact]
    public async Task A_route_table_that_lets_an_admin_api_route_go_without_role_admin_is_a_400_naming_the_field()
    {
        await using var factory = NewFactory();
        var index = RouteRules.Default.Rules.ToList().FindIndex(r => r is { Verb: "DELETE", Path: "/protected/admin/keys/{keyId}" });
        var opened = AdminCalls.RoutesJson(rules => rules.Select(r => r.Path == "/protected/admin/keys/{keyId}"
            ? new { verb = r.Verb, path = r.Path, requiredPermission = (string?)null, requiredRole = (string?)"user" }
            : AdminCalls.Rule(r)));

        var (status, body, headers) = await factory.SendAsync("PUT", "/routes", opened);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", headers.ContentType);
        Assert.True(AdminCalls.Json(body).GetProperty("errors").TryGetProperty($"routes[{index}].requiredRole", out _), body);
        Assert.Null(await factory.Store().GetRouteRulesAsync());
    }

    [Fact]
    public async Task An_admin_can_neither_disable_its_own_principal_nor_revoke_the_key_it_calls_with()
    {
        string? keyId = null;
        await using var factory = NewFactory(r => { if (r.PrincipalID == "custom-user" && keyId is not null) r.Context![AuthorizerContextKeys.KeyId] = keyId; });
        await factory.SendAsync("PUT", "/principals/custom-user", """{"roles":["admin"],"permissions":[]}""");
        var (_, created, _) = await factory.SendAsync("POST", "/principals/custom-user/keys", """{"kind":"custom-header"}""");
        keyId = AdminCalls.Json(created).GetProperty("keyId").GetString()!;
        await factory.Services.GetRequiredService<IStepUpStore>().OpenWindowAsync("key:" + keyId, "custom-user", factory.Clock.GetUtcNow().AddMinutes(5));

        var (revoke, revokeBody, revokeHeaders) = await factory.SendAsync(new CaseRequest("DELETE", $"/protected/admin/keys/{keyId}", CaseCredential.CustomHeader));
        var (disable, disableBody, _) = await factory.SendAsync(new CaseRequest("PUT", "/protected/admin/principals/custom-user", CaseCredential.CustomHeader),
            """{"roles":["admin"],"permissions":[],"disabled":true}""");
        var (other, _, _) = await factory.SendAsync(new CaseRequest("PUT", "/protected/admin/principals/someone", CaseCredential.CustomHeader),
            """{"roles":[],"permissions":[],"disabled":true}""");

        Assert.Equal((409, 409, 201), (revoke, disable, other));
        Assert.Equal("application/problem+json", revokeHeaders.ContentType);
        Assert.Contains("calling with", AdminCalls.Json(revokeBody).GetProperty("title").GetString());
        Assert.Contains("disable", AdminCalls.Json(disableBody).GetProperty("title").GetString());
        Assert.Equal(CredentialStatus.Active, (await factory.Store().GetCredentialAsync(keyId))?.Status);
        Assert.False((await factory.Store().GetPrincipalAsync("custom-user"))?.Disabled);
    }

    [Fact]
    public async Task The_audit_of_a_principal_lists_its_changes_newest_first_with_who_made_them_and_no_secret()
    {
        await using var factory = NewFactory();
        await factory.SendAsync("PUT", "/principals/dora", """{"roles":["user"],"permissions":[]}""");
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var (_, created, _) = await factory.SendAsync("POST", "/principals/dora/keys", """{"kind":"api-key"}""");
        var key = AdminCalls.Json(created);
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await factory.SendAsync("DELETE", $"/keys/{key.GetProperty("keyId").GetString()}");
        await factory.SendAsync("PUT", "/principals/someone-else", """{"roles":[],"permissions":[]}""");

        var (status, body, _) = await factory.SendAsync("GET", "/audit?principalId=dora&limit=2");

        Assert.Equal(200, status);
        var records = AdminCalls.Json(body).GetProperty("records").EnumerateArray().ToArray();
        Assert.Equal([AuditActions.CredentialRevoked, AuditActions.CredentialCreated], records.Select(r => r.GetProperty("action").GetString()));
        var actor = records[0].GetProperty("actor");
        Assert.Equal(AdminCalls.Actor, actor.GetProperty("principalId").GetString());
        Assert.Equal(AuthTypes.ApiKey, actor.GetProperty("authType").GetString());
        Assert.Equal(GatewayTestCredentials.DefaultSourceIp, actor.GetProperty("sourceIp").GetString());
        Assert.False(string.IsNullOrEmpty(actor.GetProperty("requestId").GetString()));
        Assert.DoesNotContain(key.GetProperty("secret").GetString()!, body);
    }

    [Fact]
    public async Task A_token_callers_audit_record_names_the_issuer()
    {
        await using var factory = NewFactory();
        await factory.SendAsync(await StepUp.StepUpCalls.EnrollmentRequestAsync(factory, "/protected/mfa/enrollment", CaseCredential.UserToken));

        var (_, body, _) = await factory.SendAsync("GET", "/audit?principalId=" + StepUp.StepUpCalls.TokenPrincipal("test-user"));

        var started = AdminCalls.Json(body).GetProperty("records").EnumerateArray().Single(r => r.GetProperty("action").GetString() == AuditActions.MfaEnrollmentStarted);
        var actor = started.GetProperty("actor");
        Assert.Equal(AuthTypes.Jwt, actor.GetProperty("authType").GetString());
        Assert.Equal("default", actor.GetProperty("issuer").GetString()); // the issuer registry's name for the test tokens' iss
    }

    [Theory]
    [InlineData("/audit?limit=5", "principalId")]
    [InlineData("/audit?principalId=dora&limit=0", "limit")]
    [InlineData("/audit?principalId=dora&limit=abc", "limit")]
    public async Task An_audit_query_with_bad_input_is_a_400_naming_the_field(string path, string field)
    {
        await using var factory = NewFactory();

        var (status, body, _) = await factory.SendAsync("GET", path);

        Assert.Equal(400, status);
        Assert.True(AdminCalls.Json(body).GetProperty("errors").TryGetProperty(field, out _), body);
    }
}

public sealed class AdminHardeningInMemoryTests : AdminHardeningContract
{
    protected override SecureApiFactory NewFactory(Action<APIGatewayCustomAuthorizerResponse>? edit = null) => new() { EditAuthorizerResponse = edit };
}

[Trait("Category", "Integration")] // starts a process or a moto server
public sealed class AdminHardeningDynamoDbTests(DynamoDbServerFixture dynamo) : AdminHardeningContract, IClassFixture<DynamoDbServerFixture>
{
    protected override SecureApiFactory NewFactory(Action<APIGatewayCustomAuthorizerResponse>? edit = null) =>
        dynamo.NewFactory(DynamoDbServerFixture.NewTableName("api-authz-"), edit: edit);
}
