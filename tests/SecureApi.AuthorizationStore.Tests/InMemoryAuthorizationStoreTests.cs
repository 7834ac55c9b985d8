using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>The contract against the embedded store, plus its seeding.</summary>
public sealed class InMemoryAuthorizationStoreTests : AuthorizationStoreContract
{
    protected override Task<IAuthorizationStore> CreateStoreAsync(TimeProvider clock) =>
        Task.FromResult<IAuthorizationStore>(new InMemoryAuthorizationStore(clock));

    [Fact]
    public async Task Seeded_principals_and_credentials_are_found_and_leave_no_audit_record()
    {
        var secretHash = Sha256(Secret());
        var store = new InMemoryAuthorizationStore(Clock)
            .Seed(new PrincipalRecord("svc", ["ops"], ["read"], false, Start, Start))
            .Seed(new CredentialRecord("seed-1", AuthTypes.ApiKey, "svc", secretHash.ToUpperInvariant(), CredentialStatus.Active, null, Start, "from config"));

        Assert.Equal(["ops"], (await store.GetPrincipalAsync("svc"))?.Roles);
        Assert.Equal("seed-1", (await store.FindUsableCredentialByHashAsync(secretHash))?.KeyId);
        Assert.Empty(await store.ListAuditRecordsAsync(DateOnly.FromDateTime(Start.UtcDateTime), 10));
    }

    [Fact]
    public void Seeding_a_credential_without_its_principal_is_refused()
    {
        var store = new InMemoryAuthorizationStore(Clock);
        Assert.Throws<ArgumentException>(() => store.Seed(
            new CredentialRecord("seed-1", AuthTypes.ApiKey, "nobody", Sha256(Secret()), CredentialStatus.Active, null, Start, null)));
    }
}
