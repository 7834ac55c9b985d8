using SecureApi.AuthorizationStore.Saml;
using SecureApi.Testing;
using SecureApi.Testing.Saml;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests.Saml;

/// <summary>What every <see cref="ISamlIdpStore"/> must do (docs/saml.md#run-time-registry).</summary>
public abstract class SamlIdpStoreContract
{
    private static readonly string Pem = TestCertificates.Pem();
    private static readonly string NextPem = TestCertificates.Pem("CN=next.partner-idp.example.test");

    protected ManualClock Clock { get; } = new(Start);

    /// <summary>A fresh SAML IdP store and the authorization store whose audit trail it writes to.</summary>
    protected abstract Task<(ISamlIdpStore Idps, IAuthorizationStore Audit)> CreateStoresAsync(TimeProvider clock);

    private static string Name() => "saml-" + Guid.NewGuid().ToString("N")[..12];

    protected static SamlIdpEntry Partner(string name) => new()
    {
        Name = name, EntityId = "https://partner.example.test/idp", SigningCertificates = [Pem, NextPem],
        RoleAttribute = "http://schemas.xmlsoap.org/claims/Group", PermissionAttribute = "urn:example:permissions",
        RoleMap = new Dictionary<string, string> { ["Domain Admins"] = "admin", ["Staff"] = "user" },
    };

    [Fact]
    public async Task A_stored_idp_reads_back_with_every_field_as_given()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var entry = Partner(Name());

        var put = await store.PutIdpAsync(entry, "admin");
        var read = await store.GetIdpAsync(entry.Name);

        Assert.True(put.Created);
        Assert.NotNull(read);
        Assert.Equal(entry.EntityId, read.Entry.EntityId);
        Assert.Equal([Pem, NextPem], read.Entry.SigningCertificates);
        Assert.Null(read.Entry.MetadataXml);
        Assert.Equal(entry.RoleAttribute, read.Entry.RoleAttribute);
        Assert.Equal(entry.PermissionAttribute, read.Entry.PermissionAttribute);
        Assert.Equal(entry.RoleMap.OrderBy(m => m.Key), read.Entry.RoleMap.OrderBy(m => m.Key));
        Assert.Equal(Start, read.CreatedAt);
    }

    [Fact]
    public async Task Replacing_an_idp_with_metadata_keeps_its_creation_time_and_drops_the_pem()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var name = Name();
        await store.PutIdpAsync(Partner(name), "admin");
        Clock.Advance(TimeSpan.FromMinutes(1));

        var replaced = await store.PutIdpAsync(Partner(name) with { SigningCertificates = [], MetadataXml = "<md:EntityDescriptor/>", RoleMap = new Dictionary<string, string>() }, "admin");
        var read = await store.GetIdpAsync(name);

        Assert.False(replaced.Created);
        Assert.Empty(read!.Entry.SigningCertificates);
        Assert.Equal("<md:EntityDescriptor/>", read.Entry.MetadataXml);
        Assert.Empty(read.Entry.RoleMap);
        Assert.Equal((Start, Start.AddMinutes(1)), (read.CreatedAt, read.UpdatedAt));
    }

    [Fact]
    public async Task The_list_holds_every_stored_idp_by_name_and_a_deleted_one_is_gone()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        string b = "b-" + Name(), a = "a-" + Name();
        await store.PutIdpAsync(Partner(b), "admin");
        await store.PutIdpAsync(Partner(a), "admin");

        Assert.Equal([a, b], (await store.ListIdpsAsync()).Select(i => i.Entry.Name).Where(n => n == a || n == b));
        Assert.True(await store.DeleteIdpAsync(a, "admin"));
        Assert.False(await store.DeleteIdpAsync(a, "admin"));
        Assert.Null(await store.GetIdpAsync(a));
        Assert.DoesNotContain(a, (await store.ListIdpsAsync()).Select(i => i.Entry.Name));
    }

    [Fact]
    public async Task Every_write_is_audited_before_and_after_naming_certificates_by_thumbprint_never_as_pem()
    {
        var (store, audit) = await CreateStoresAsync(Clock);
        var name = Name();
        await store.PutIdpAsync(Partner(name) with { SigningCertificates = [Pem] }, new AuditActor("admin", AuthTypes.ApiKey, KeyId: "k1"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        await store.PutIdpAsync(Partner(name) with { SigningCertificates = [NextPem] }, "admin");
        Clock.Advance(TimeSpan.FromSeconds(1));
        await store.DeleteIdpAsync(name, "admin");

        var records = (await audit.ListAuditRecordsAsync(DateOnly.FromDateTime(Start.UtcDateTime), 100))
            .Where(r => r.Subject == "saml-idp:" + name).Reverse().ToArray();

        Assert.Equal([AuditActions.SamlIdpCreated, AuditActions.SamlIdpUpdated, AuditActions.SamlIdpDeleted], records.Select(r => r.Action));
        Assert.Equal("k1", records[0].Caller?.KeyId);
        Assert.StartsWith("before: none after: entityId=https://partner.example.test/idp", records[0].Detail);
        var (old, next) = (TestCertificates.Sha256Thumbprint(Pem), TestCertificates.Sha256Thumbprint(NextPem));
        Assert.Matches($"before: .*{old}.* after: .*{next}", records[1].Detail);
        Assert.Contains("roleMap={Domain Admins=admin,Staff=user}", records[1].Detail);
        Assert.All(records, r => Assert.DoesNotContain("BEGIN CERTIFICATE", r.Detail));
    }

    [Fact]
    public async Task The_stored_entry_does_not_change_when_the_callers_collections_do()
    {
        var (store, _) = await CreateStoresAsync(Clock);
        var certificates = new List<string> { Pem };
        var roleMap = new Dictionary<string, string> { ["Staff"] = "user" };
        var name = Name();
        await store.PutIdpAsync(Partner(name) with { SigningCertificates = certificates, RoleMap = roleMap }, "admin");

        certificates.Add(NextPem);
        roleMap["Staff"] = "admin";

        var read = await store.GetIdpAsync(name);
        Assert.Equal([Pem], read?.Entry.SigningCertificates);
        Assert.Equal("user", read?.Entry.RoleMap["Staff"]);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("has:colon")]
    [InlineData("a-name-of-thirty-three-characters")]
    public async Task A_name_outside_the_rule_is_refused_before_anything_is_sent(string name)
    {
        var (store, _) = await CreateStoresAsync(Clock);

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetIdpAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutIdpAsync(Partner(name), "admin"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteIdpAsync(name, "admin"));
    }
}

public sealed class InMemorySamlIdpStoreTests : SamlIdpStoreContract
{
    protected override Task<(ISamlIdpStore Idps, IAuthorizationStore Audit)> CreateStoresAsync(TimeProvider clock)
    {
        var audit = new InMemoryAuthorizationStore(clock);
        return Task.FromResult<(ISamlIdpStore, IAuthorizationStore)>((new InMemorySamlIdpStore(clock, audit), audit));
    }
}

/// <summary>The contract against moto on loopback, plus the item's key shape (the template's LeadingKeys condition relies on it).</summary>
[Trait("Category", "Integration")] // starts a moto server
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbSamlIdpStoreTests(DynamoDbServerFixture dynamo) : SamlIdpStoreContract
{
    protected override async Task<(ISamlIdpStore Idps, IAuthorizationStore Audit)> CreateStoresAsync(TimeProvider clock)
    {
        var audit = await dynamo.NewStoreAsync(clock);
        var options = dynamo.Options(audit.TableName);
        return (new DynamoDbSamlIdpStore(dynamo.Client(options), options, clock), audit);
    }

    [Fact]
    public async Task An_idp_lives_in_the_saml_idps_partition_under_its_name_with_camel_case_attributes()
    {
        var (store, audit) = await CreateStoresAsync(Clock);
        await store.PutIdpAsync(Partner("partner"), "admin");

        var table = ((DynamoDb.DynamoDbAuthorizationStore)audit).TableName;
        using var client = dynamo.Client(dynamo.Options(table));
        var item = (await client.GetItemAsync(new Amazon.DynamoDBv2.Model.GetItemRequest
        {
            TableName = table, Key = DynamoDb.ItemMapper.Key("SAML-IDPS", "SAML-IDP#partner"),
        })).Item;

        Assert.Equal("https://partner.example.test/idp", item["entityId"].S);
        Assert.Equal(2, item["signingCertificates"].L.Count);
        Assert.Equal("admin", item["roleMap"].M["Domain Admins"].S);
        Assert.False(item.ContainsKey("metadataXml"));
    }
}
