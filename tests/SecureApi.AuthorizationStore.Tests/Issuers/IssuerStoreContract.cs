using SecureApi.AuthorizationStore.Issuers;
using SecureApi.Testing;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests.Issuers;

/// <summary>What every <see cref="IIssuerStore"/> must do (docs/identity-providers.md#run-time-registry).</summary>
public abstract class IssuerStoreContract
{
    protected ManualClock Clock { get; } = new(Start);

    /// <summary>A fresh issuer store and the authorization store whose audit trail it writes to.</summary>
    protected abstract Task<(IIssuerStore Issuers, IAuthorizationStore Audit)> CreateStoresAsync(TimeProvider clock);

    private static string Name() => "idp-" + Guid.NewGuid().ToString("N")[..12];

    protected static IssuerEntry Okta(string name) => new()
    {
        Name = name, Issuer = "https://example.okta.com/oauth2/default", Audiences = ["api://secure"], Profile = "okta",
        JwksUri = "https://example.okta.com/oauth2/default/v1/keys", RoleClaims = ["groups"], StepUpAmr = ["mfa", "otp"],
    };

    [Fact]
    public async Task A_stored_issuer_reads_back_with_every_field_as_given()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var entra = new IssuerEntry
        {
            Name = Name(), Audiences = ["api://a", "api://b"], AudienceClaim = "aud", RequiredTokenType = "at+jwt", RequiredTokenUse = "access",
            MetadataAddress = "https://login.microsoftonline.com/x/v2.0/.well-known/openid-configuration", Profile = "entra",
            PermissionClaims = ["scp"], TenantIds = ["6f1c2a8e-0000-4000-8000-000000000001"], StepUpAcrs = ["c1"],
        };

        var put = await store.PutIssuerAsync(entra, "admin");
        var read = await store.GetIssuerAsync(entra.Name);

        Assert.True(put.Created);
        Assert.NotNull(read);
        Assert.Equal(entra.Name, read.Entry.Name);
        Assert.Null(read.Entry.Issuer);
        Assert.Equal(entra.Audiences, read.Entry.Audiences);
        Assert.Equal("aud", read.Entry.AudienceClaim);
        Assert.Equal("at+jwt", read.Entry.RequiredTokenType);
        Assert.Equal("access", read.Entry.RequiredTokenUse);
        Assert.Equal(entra.MetadataAddress, read.Entry.MetadataAddress);
        Assert.Null(read.Entry.JwksUri);
        Assert.Equal("entra", read.Entry.Profile);
        Assert.Null(read.Entry.RoleClaims);
        Assert.Equal(["scp"], read.Entry.PermissionClaims);
        Assert.Equal(entra.TenantIds, read.Entry.TenantIds);
        Assert.Empty(read.Entry.HostedDomains);
        Assert.Null(read.Entry.StepUpAmr);
        Assert.Equal(["c1"], read.Entry.StepUpAcrs);
        Assert.Equal(Start, read.CreatedAt);
    }

    [Fact]
    public async Task Replacing_an_issuer_keeps_its_creation_time_and_reports_it_was_not_created()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var name = Name();
        await store.PutIssuerAsync(Okta(name), "admin");
        Clock.Advance(TimeSpan.FromMinutes(1));

        var replaced = await store.PutIssuerAsync(Okta(name) with { Audiences = ["api://other"], StepUpAmr = null }, "admin");
        var read = await store.GetIssuerAsync(name);

        Assert.False(replaced.Created);
        Assert.Equal(["api://other"], read?.Entry.Audiences);
        Assert.Null(read?.Entry.StepUpAmr);
        Assert.Equal(Start, read?.CreatedAt);
        Assert.Equal(Start.AddMinutes(1), read?.UpdatedAt);
    }

    [Fact]
    public async Task The_list_holds_every_stored_issuer_by_name_and_a_deleted_one_is_gone()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        string b = "b-" + Name(), a = "a-" + Name();
        await store.PutIssuerAsync(Okta(b), "admin");
        await store.PutIssuerAsync(Okta(a), "admin");

        Assert.Equal([a, b], (await store.ListIssuersAsync()).Select(i => i.Entry.Name).Where(n => n == a || n == b));
        Assert.True(await store.DeleteIssuerAsync(a, "admin"));
        Assert.False(await store.DeleteIssuerAsync(a, "admin"));
        Assert.Null(await store.GetIssuerAsync(a));
        Assert.DoesNotContain(a, (await store.ListIssuersAsync()).Select(i => i.Entry.Name));
    }

    [Fact]
    public async Task Every_write_leaves_one_audit_record_naming_the_issuer_and_the_actor()
    {
        var (store, audit) = await CreateStoresAsync(Clock);
        var name = Name();
        await store.PutIssuerAsync(Okta(name), new AuditActor("admin", AuthTypes.ApiKey, KeyId: "k1"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        await store.PutIssuerAsync(Okta(name) with { Profile = "generic", RoleClaims = null }, "admin");
        Clock.Advance(TimeSpan.FromSeconds(1));
        await store.DeleteIssuerAsync(name, "admin");
        await store.DeleteIssuerAsync(name, "admin");

        var records = (await audit.ListAuditRecordsAsync(DateOnly.FromDateTime(Start.UtcDateTime), 100))
            .Where(r => r.Subject == "issuer:" + name).Reverse().ToArray();

        Assert.Equal([AuditActions.IssuerCreated, AuditActions.IssuerUpdated, AuditActions.IssuerDeleted], records.Select(r => r.Action));
        Assert.All(records, r => Assert.Equal("admin", r.Actor));
        Assert.Equal("k1", records[0].Caller?.KeyId);
        Assert.StartsWith("before: none after: iss=https://example.okta.com/oauth2/default profile=okta", records[0].Detail);
        Assert.Contains("after: iss=https://example.okta.com/oauth2/default profile=generic", records[1].Detail);
    }

    [Fact]
    public async Task The_stored_entry_does_not_change_when_the_callers_lists_do()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var audiences = new List<string> { "api://secure" };
        var name = Name();
        await store.PutIssuerAsync(Okta(name) with { Audiences = audiences }, "admin");

        audiences.Add("api://sneaked-in");

        Assert.Equal(["api://secure"], (await store.GetIssuerAsync(name))?.Entry.Audiences);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("has:colon")]
    [InlineData("has#hash")]
    [InlineData("a-name-of-thirty-three-characters")]
    public async Task A_name_outside_the_rule_is_refused_before_anything_is_sent(string name)
    {
        var (store, _) = await CreateStoresAsync(Clock);

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetIssuerAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutIssuerAsync(Okta(name), "admin"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteIssuerAsync(name, "admin"));
    }
}

public sealed class InMemoryIssuerStoreTests : IssuerStoreContract
{
    protected override Task<(IIssuerStore Issuers, IAuthorizationStore Audit)> CreateStoresAsync(TimeProvider clock)
    {
        var audit = new InMemoryAuthorizationStore(clock);
        return Task.FromResult<(IIssuerStore, IAuthorizationStore)>((new InMemoryIssuerStore(clock, audit), audit));
    }
}

/// <summary>The contract against moto on loopback, plus the item's key shape (the template's LeadingKeys condition relies on it).</summary>
[Trait("Category", "Integration")] // starts a moto server
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbIssuerStoreTests(DynamoDbServerFixture dynamo) : IssuerStoreContract
{
    protected override async Task<(IIssuerStore Issuers, IAuthorizationStore Audit)> CreateStoresAsync(TimeProvider clock)
    {
        var audit = await dynamo.NewStoreAsync(clock);
        var options = dynamo.Options(audit.TableName);
        return (new DynamoDbIssuerStore(dynamo.Client(options), options, clock), audit);
    }

    [Fact]
    public async Task An_issuer_lives_in_the_registry_partition_under_its_name_with_camel_case_attributes()
    {
        var (store, audit) = await CreateStoresAsync(Clock);
        await store.PutIssuerAsync(Okta("okta"), "admin");

        var table = ((DynamoDb.DynamoDbAuthorizationStore)audit).TableName;
        using var client = dynamo.Client(dynamo.Options(table));
        var item = (await client.GetItemAsync(new Amazon.DynamoDBv2.Model.GetItemRequest
        {
            TableName = table, Key = DynamoDb.ItemMapper.Key("ISSUERS", "ISSUER#okta"),
        })).Item;

        Assert.Equal("https://example.okta.com/oauth2/default", item["issuer"].S);
        Assert.Equal("https://example.okta.com/oauth2/default/v1/keys", item["jwksUri"].S);
        Assert.Equal(["groups"], item["roleClaims"].L.Select(v => v.S));
        Assert.False(item.ContainsKey("metadataAddress"));
    }
}
