using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Testing;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>
/// The behaviour every <see cref="IAuthorizationStore"/> must have. Each concrete subclass supplies a fresh, empty
/// store on a <see cref="ManualClock"/>; the same tests then run against each implementation.
/// </summary>
public abstract class AuthorizationStoreContract
{
    protected const string Admin = "admin-user";
    protected ManualClock Clock { get; } = new(Start);

    /// <summary>A new, empty store (its own table for DynamoDB) that reads time from <paramref name="clock"/>.</summary>
    protected abstract Task<IAuthorizationStore> CreateStoreAsync(TimeProvider clock);

    private DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    private async Task<(IAuthorizationStore Store, string PrincipalId)> StoreWithPrincipalAsync()
    {
        var store = await CreateStoreAsync(Clock);
        var principalId = Id("alice");
        await store.PutPrincipalAsync(Principal(principalId, "admin"), Admin);
        return (store, principalId);
    }

    [Fact]
    public async Task An_unknown_principal_is_not_found()
    {
        var store = await CreateStoreAsync(Clock);
        Assert.Null(await store.GetPrincipalAsync(Id("nobody")));
    }

    [Fact]
    public async Task Putting_a_new_principal_reports_created_and_stores_roles_permissions_and_times()
    {
        var store = await CreateStoreAsync(Clock);
        var id = Id("alice");

        var result = await store.PutPrincipalAsync(new PrincipalChange(id, ["admin", "ops"], ["read", "write"]), Admin);

        Assert.True(result.Created);
        var stored = await store.GetPrincipalAsync(id);
        Assert.NotNull(stored);
        Assert.Equal(["admin", "ops"], stored.Roles);
        Assert.Equal(["read", "write"], stored.Permissions);
        Assert.False(stored.Disabled);
        Assert.Equal(Start, stored.CreatedAt);
        Assert.Equal(Start, stored.UpdatedAt);
    }

    [Fact]
    public async Task Putting_an_existing_principal_reports_updated_and_keeps_its_creation_time()
    {
        var (store, id) = await StoreWithPrincipalAsync();
        Clock.Advance(TimeSpan.FromMinutes(5));

        var result = await store.PutPrincipalAsync(new PrincipalChange(id, [], [], Disabled: true), Admin);

        Assert.False(result.Created);
        var stored = await store.GetPrincipalAsync(id);
        Assert.NotNull(stored);
        Assert.True(stored.Disabled);
        Assert.Empty(stored.Roles);
        Assert.Equal(Start, stored.CreatedAt);
        Assert.Equal(Start.AddMinutes(5), stored.UpdatedAt);
    }

    [Fact]
    public async Task A_principals_plan_is_stored_with_only_the_fields_it_sets_and_its_route_limits_in_order()
    {
        var store = await CreateStoreAsync(Clock);
        var (withRoutes, noRoutes, defaultRoutes) = (Id("alice"), Id("bob"), Id("carol"));
        RouteLimit[] routes = [new("GET", "/protected", Quota: 100), new("PUT", "/protected/admin/routes", RatePerSecond: 1, Burst: 2)];

        await store.PutPrincipalAsync(new PrincipalChange(withRoutes, [], [], Plan: new(Quota: 5000, Period: QuotaPeriod.Month, Routes: routes)), Admin);
        await store.PutPrincipalAsync(new PrincipalChange(noRoutes, [], [], Plan: new(Routes: [])), Admin);
        await store.PutPrincipalAsync(new PrincipalChange(defaultRoutes, [], [], Plan: new(Burst: 3)), Admin);

        var a = (await store.GetPrincipalAsync(withRoutes))!.Plan!;
        Assert.Equal((null, null, 5000L, QuotaPeriod.Month), (a.RatePerSecond, a.Burst, a.Quota, a.Period));
        Assert.Equal(routes, a.Routes);
        Assert.Empty((await store.GetPrincipalAsync(noRoutes))!.Plan!.Routes!);   // present and empty: no route limits
        Assert.Null((await store.GetPrincipalAsync(defaultRoutes))!.Plan!.Routes); // absent: the default plan's
    }

    [Fact]
    public async Task A_change_that_keeps_the_stored_plan_keeps_it_and_the_audit_record_shows_before_and_after()
    {
        var store = await CreateStoreAsync(Clock);
        var id = Id("alice");
        await store.PutPrincipalAsync(new PrincipalChange(id, ["user"], ["read"], Plan: new(Quota: 5000, Period: QuotaPeriod.Month)), Admin);
        Clock.Advance(TimeSpan.FromMinutes(1));

        await store.PutPrincipalAsync(new PrincipalChange(id, ["admin"], ["read"], Disabled: true, KeepStoredPlan: true), Admin);
        var kept = await store.GetPrincipalAsync(id);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await store.PutPrincipalAsync(new PrincipalChange(id, ["admin"], ["read"], Plan: null), Admin);
        var removed = await store.GetPrincipalAsync(id);

        Assert.Equal(new RatePlanOverride(Quota: 5000, Period: QuotaPeriod.Month), kept?.Plan);
        Assert.Null(removed?.Plan);
        var audit = (await store.ListAuditRecordsAsync(Today, 100)).Reverse().Select(a => a.Detail).ToArray();
        Assert.Equal(
            [
                "before: none after: roles=[user] permissions=[read] disabled=false plan={quota=5000 period=month}",
                "before: roles=[user] permissions=[read] disabled=false plan={quota=5000 period=month} after: roles=[admin] permissions=[read] disabled=true plan={quota=5000 period=month}",
                "before: roles=[admin] permissions=[read] disabled=true plan={quota=5000 period=month} after: roles=[admin] permissions=[read] disabled=false plan=default",
            ],
            audit);
    }

    [Fact]
    public async Task The_audit_records_of_one_principal_come_newest_first_with_the_callers_details()
    {
        var store = await CreateStoreAsync(Clock);
        var (alice, bob) = (Id("alice"), Id("bob"));
        var caller = new AuditActor("op-1", AuthTypes.ApiKey, KeyId: "key_1", SourceIp: "198.51.100.7", RequestId: "req-1");
        await store.PutPrincipalAsync(Principal(alice), caller);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var key = Key(alice);
        await store.CreateCredentialAsync(key, caller);
        await store.PutPrincipalAsync(Principal(bob), caller);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await store.RevokeCredentialAsync(key.KeyId, caller);

        var records = await store.ListAuditRecordsOfPrincipalAsync(alice, 2);

        Assert.Equal([AuditActions.CredentialRevoked, AuditActions.CredentialCreated], records.Select(r => r.Action));
        Assert.All(records, r => Assert.Equal(caller, r.Caller));
        Assert.All(records, r => Assert.Equal(alice, r.PrincipalId));
        Assert.Equal(3, (await store.ListAuditRecordsOfPrincipalAsync(alice, 10)).Count);
    }

    [Fact]
    public async Task A_created_credential_is_found_by_its_hash_and_by_its_key_id()
    {
        var (store, principalId) = await StoreWithPrincipalAsync();
        var key = Key(principalId, expiresAt: Start.AddDays(30)) with { Kind = AuthTypes.CustomHeader };

        Assert.Equal(CreateCredentialOutcome.Created, await store.CreateCredentialAsync(key, Admin));

        var byHash = await store.FindUsableCredentialByHashAsync(key.Sha256);
        var byId = await store.GetCredentialAsync(key.KeyId);
        var expected = new CredentialRecord(key.KeyId, AuthTypes.CustomHeader, principalId, key.Sha256, CredentialStatus.Active,
            Start.AddDays(30), Start, "test key");
        Assert.Equal(expected, byHash);
        Assert.Equal(expected, byId);
    }

    [Fact]
    public async Task A_hash_is_found_whatever_the_case_of_its_hex_digits()
    {
        var (store, principalId) = await StoreWithPrincipalAsync();
        var key = Key(principalId);
        await store.CreateCredentialAsync(key with { Sha256 = key.Sha256.ToUpperInvariant() }, Admin);

        Assert.NotNull(await store.FindUsableCredentialByHashAsync(key.Sha256));
        Assert.NotNull(await store.FindUsableCredentialByHashAsync(key.Sha256.ToUpperInvariant()));
    }

    [Fact]
    public async Task An_unknown_hash_is_not_found()
    {
        var store = await CreateStoreAsync(Clock);
        Assert.Null(await store.FindUsableCredentialByHashAsync(Sha256(Secret())));
    }

    [Fact]
    public async Task A_revoked_key_is_not_found_by_its_hash()
    {
        var (store, principalId) = await StoreWithPrincipalAsync();
        var key = Key(principalId);
        await store.CreateCredentialAsync(key, Admin);
        Clock.Advance(TimeSpan.FromSeconds(1));

        var revoked = await store.RevokeCredentialAsync(key.KeyId, Admin);

        Assert.NotNull(revoked);
        Assert.Equal(CredentialStatus.Revoked, revoked.Status);
        Assert.Equal(Start.AddSeconds(1), revoked.RevokedAt);
        Assert.Null(await store.FindUsableCredentialByHashAsync(key.Sha256));
        Assert.Equal(revoked, await store.GetCredentialAsync(key.KeyId));
        Assert.Equal(CredentialStatus.Revoked, Assert.Single(await store.ListCredentialsAsync(principalId)).Status);
    }

    [Fact]
    public async Task Revoking_a_revoked_key_changes_nothing_and_writes_no_second_audit_record()
    {
        var (store, principalId) = await StoreWithPrincipalAsync();
        var key = Key(principalId);
        await store.CreateCredentialAsync(key, Admin);
        var first = await store.RevokeCredentialAsync(key.KeyId, Admin);
        Clock.Advance(TimeSpan.FromMinutes(1));

        var second = await store.RevokeCredentialAsync(key.KeyId, "someone-else");

        Assert.Equal(first, second);
        var audit = await store.ListAuditRecordsAsync(Today, 100);
        Assert.Single(audit, a => a.Action == AuditActions.CredentialRevoked);
    }

    [Fact]
    public async Task Revoking_an_unknown_key_returns_null_and_writes_nothing()
    {
        var (store, _) = await StoreWithPrincipalAsync();

        Assert.Null(await store.RevokeCredentialAsync(Id("missing"), Admin));

        Assert.DoesNotContain(await store.ListAuditRecordsAsync(Today, 100), a => a.Action == AuditActions.CredentialRevoked);
    }

    [Fact]
    public async Task An_expired_credential_is_refused_before_ttl_deletes_it()
    {
        var (store, principalId) = await StoreWithPrincipalAsync();
        var key = Key(principalId, expiresAt: Start.AddHours(1));
        await store.CreateCredentialAsync(key, Admin);

        Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await store.FindUsableCredentialByHashAsync(key.Sha256));

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.FindUsableCredentialByHashAsync(key.Sha256));
        // Still stored (TTL has not run): only the lookup refuses it.
        var stored = await store.GetCredentialAsync(key.KeyId);
        Assert.NotNull(stored);
        Assert.Equal(CredentialStatus.Active, stored.Status);
        Assert.False(stored.IsUsableAt(Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Creating_a_key_whose_hash_exists_writes_nothing()
    {
        var (store, principalId) = await StoreWithPrincipalAsync();
        var first = Key(principalId);
        await store.CreateCredentialAsync(first, Admin);
        var auditBefore = (await store.ListAuditRecordsAsync(Today, 100)).Count;
        var otherPrincipal = Id("mallory");
        await store.PutPrincipalAsync(Principal(otherPrincipal), Admin);

        var second = Key(otherPrincipal, sha256: first.Sha256);
        Assert.Equal(CreateCredentialOutcome.DuplicateHash, await store.CreateCredentialAsync(second, Admin));

        Assert.Null(await store.GetCredentialAsync(second.KeyId));
        Assert.Empty(await store.ListCredentialsAsync(otherPrincipal));
        Assert.Equal(principalId, (await store.FindUsableCredentialByHashAsync(first.Sha256))?.PrincipalId);
        Assert.Equal(auditBefore + 1, (await store.ListAuditRecordsAsync(Today, 100)).Count); // only the principal put
    }

    [Fact]
    public async Task The_hash_of_a_revoked_key_cannot_be_registered_again()
    {
        var (store, principalId) = await StoreWithPrincipalAsync();
        var first = Key(principalId);
        await store.CreateCredentialAsync(first, Admin);
        await store.RevokeCredentialAsync(first.KeyId, Admin);

        Assert.Equal(CreateCredentialOutcome.DuplicateHash, await store.CreateCredentialAsync(Key(principalId, sha256: first.Sha256), Admin));
        Assert.Null(await store.FindUsableCredentialByHashAsync(first.Sha256));
    }

    [Fact]
    public async Task Creating_a_key_whose_key_id_exists_writes_nothing()
    {
        var (store, principalId) = await StoreWithPrincipalAsync();
        var first = Key(principalId);
        await store.CreateCredentialAsync(first, Admin);

        var second = Key(principalId, keyId: first.KeyId);
        Assert.Equal(CreateCredentialOutcome.DuplicateKeyId, await store.CreateCredentialAsync(second, Admin));

        Assert.Null(await store.FindUsableCredentialByHashAsync(second.Sha256));
        Assert.Equal(first.Sha256, (await store.GetCredentialAsync(first.KeyId))?.Sha256);
        Assert.Single(await store.ListAuditRecordsAsync(Today, 100), a => a.Action == AuditActions.CredentialCreated);
    }

    [Fact]
    public async Task Creating_a_key_for_an_unknown_principal_writes_nothing()
    {
        var store = await CreateStoreAsync(Clock);
        var key = Key(Id("ghost"));

        Assert.Equal(CreateCredentialOutcome.UnknownPrincipal, await store.CreateCredentialAsync(key, Admin));

        Assert.Null(await store.FindUsableCredentialByHashAsync(key.Sha256));
        Assert.Null(await store.GetCredentialAsync(key.KeyId));
        Assert.Empty(await store.ListCredentialsAsync(key.PrincipalId));
        Assert.Empty(await store.ListAuditRecordsAsync(Today, 100));
    }

    [Fact]
    public async Task A_principals_credentials_are_listed_in_key_id_order_and_no_one_elses()
    {
        var (store, alice) = await StoreWithPrincipalAsync();
        var bob = Id("bob");
        await store.PutPrincipalAsync(Principal(bob), Admin);
        await store.CreateCredentialAsync(Key(alice, keyId: "k2-" + alice), Admin);
        await store.CreateCredentialAsync(Key(alice, keyId: "k1-" + alice) with { Kind = AuthTypes.CustomHeader }, Admin);
        await store.CreateCredentialAsync(Key(bob), Admin);

        var listed = await store.ListCredentialsAsync(alice);

        Assert.Equal(["k1-" + alice, "k2-" + alice], listed.Select(c => c.KeyId));
        Assert.All(listed, c => Assert.Equal(alice, c.PrincipalId));
        Assert.Equal(AuthTypes.CustomHeader, listed[0].Kind);
        Assert.Empty(await store.ListCredentialsAsync(Id("nobody")));
    }

    [Fact]
    public async Task The_route_policy_is_null_until_stored_then_read_back_as_written()
    {
        var store = await CreateStoreAsync(Clock);
        Assert.Null(await store.GetRouteRulesAsync());

        var rules = new RouteRules(
        [
            new RouteRule("GET", "/protected", RequiredPermission: "read"),
            new RouteRule("DELETE", "/protected/admin", RequiredPermission: "write", RequiredRole: "admin"),
            new RouteRule("POST", "/protected/admin", RequiredRole: "admin"),
        ]);
        await store.PutRouteRulesAsync(rules, Admin);

        var stored = await store.GetRouteRulesAsync();
        Assert.NotNull(stored);
        Assert.Equal(rules.Rules, stored.Rules);

        await store.PutRouteRulesAsync(new RouteRules([new RouteRule("GET", "/only")]), Admin);
        Assert.Equal([new RouteRule("GET", "/only")], (await store.GetRouteRulesAsync())!.Rules);
    }

    [Fact]
    public async Task Every_change_writes_its_audit_record_in_the_same_transaction()
    {
        var store = await CreateStoreAsync(Clock);
        var id = Id("carol");
        var key = Key(id);

        await Change(() => store.PutPrincipalAsync(Principal(id), "op-1"));
        await Change(() => store.PutPrincipalAsync(Principal(id, "admin"), "op-2"));
        await Change(() => store.CreateCredentialAsync(key, "op-3"));
        await Change(() => store.RevokeCredentialAsync(key.KeyId, "op-4"));
        await Change(() => store.PutRouteRulesAsync(RouteRules.Default, "op-5"));

        var audit = (await store.ListAuditRecordsAsync(Today, 100)).Reverse().ToArray();
        Assert.Equal(
            [
                ("op-1", AuditActions.PrincipalCreated, "principal:" + id),
                ("op-2", AuditActions.PrincipalUpdated, "principal:" + id),
                ("op-3", AuditActions.CredentialCreated, "credential:" + key.KeyId),
                ("op-4", AuditActions.CredentialRevoked, "credential:" + key.KeyId),
                ("op-5", AuditActions.RouteRulesUpdated, "route-policy"),
            ],
            audit.Select(a => (a.Actor, a.Action, a.Subject)));
        // Stamped with the change's own time, one minute apart; no hash anywhere in the trail.
        Assert.Equal(Enumerable.Range(1, 5).Select(m => Start.AddMinutes(m)), audit.Select(a => a.At));
        Assert.All(audit, a => Assert.DoesNotContain(key.Sha256, a.Detail, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("roles=[admin]", audit[1].Detail);
        Assert.Equal(audit.Length, audit.Select(a => a.Id).Distinct().Count());

        // The change is stored exactly when its audit record is: the revocation's time is the record's time.
        Assert.Equal(audit[3].At, (await store.GetCredentialAsync(key.KeyId))?.RevokedAt);
        Assert.Equal(audit[1].At, (await store.GetPrincipalAsync(id))?.UpdatedAt);

        async Task Change(Func<Task> change)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            await change();
        }
    }

    [Fact]
    public async Task Audit_records_are_listed_by_day_newest_first_up_to_the_limit()
    {
        var store = await CreateStoreAsync(Clock);
        for (var i = 0; i < 4; i++)
        {
            await store.PutPrincipalAsync(Principal("p" + i), Admin);
            Clock.Advance(TimeSpan.FromHours(1));
        }
        Clock.Advance(TimeSpan.FromDays(1));
        await store.PutPrincipalAsync(Principal("tomorrow"), Admin);

        var day = DateOnly.FromDateTime(Start.UtcDateTime);
        var newest = await store.ListAuditRecordsAsync(day, 3);

        Assert.Equal(["principal:p3", "principal:p2", "principal:p1"], newest.Select(a => a.Subject));
        Assert.Single(await store.ListAuditRecordsAsync(day.AddDays(1), 10));
        Assert.Empty(await store.ListAuditRecordsAsync(day.AddDays(-1), 10));
    }

    [Fact]
    public async Task Malformed_arguments_are_refused_before_anything_is_written()
    {
        var (store, principalId) = await StoreWithPrincipalAsync();
        var secret = Secret();

        var notAHash = await Assert.ThrowsAsync<ArgumentException>(() => store.CreateCredentialAsync(Key(principalId, sha256: secret), Admin));
        Assert.DoesNotContain(secret, notAHash.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateCredentialAsync(Key(principalId) with { Kind = "jwt" }, Admin));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateCredentialAsync(Key(principalId), actor: ""));
        await Assert.ThrowsAsync<ArgumentException>(() => store.FindUsableCredentialByHashAsync(secret));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutPrincipalAsync(new PrincipalChange(" padded", [], []), Admin));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAuditRecordsAsync(Today, 0));

        Assert.Empty(await store.ListCredentialsAsync(principalId));
        Assert.Single(await store.ListAuditRecordsAsync(Today, 100));
    }
}
