using SecureApi.AuthorizationStore;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// The admin API under a determined caller (issue 19): nothing lost in an update, secrets never cached, guard rails,
/// who-did-it in the audit trail. The same tests run on the in-memory store and on the DynamoDB server (moto).
/// </summary>
public abstract class AdminHardeningContract
{
    /// <summary>A fresh host (its own store or table).</summary>
    protected abstract SecureApiFactory NewFactory();

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
        var (enrolled, _, enrollHeaders) = await factory.SendAsync(new CaseRequest("POST", "/protected/admin/mfa/enrollment", CaseCredential.AdminApiKey));

        Assert.Equal((201, 201), (created, enrolled));
        Assert.Equal("no-store", keyHeaders.CacheControl.ToString());
        Assert.Equal("no-store", enrollHeaders.CacheControl.ToString());
    }
}

public sealed class AdminHardeningInMemoryTests : AdminHardeningContract
{
    protected override SecureApiFactory NewFactory() => new();
}

[Trait("Category", "Integration")] // starts a process or a moto server
public sealed class AdminHardeningDynamoDbTests(DynamoDbServerFixture dynamo) : AdminHardeningContract, IClassFixture<DynamoDbServerFixture>
{
    protected override SecureApiFactory NewFactory() => dynamo.NewFactory();
}
