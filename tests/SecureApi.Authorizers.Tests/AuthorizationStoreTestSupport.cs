using System.Security.Cryptography;
using System.Text;
using SecureApi.AuthorizationStore;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>The DynamoDB-backed authorizer tests of this assembly share one moto server (tables of their own).</summary>
[CollectionDefinition(Name)]
public sealed class DynamoDbCollection : ICollectionFixture<DynamoDbServerFixture>
{
    public const string Name = "DynamoDB-compatible server";
}

internal static class StoreData
{
    public static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Creates a principal and one credential for it; returns the secret's hash.</summary>
    public static async Task AddKeyAsync(IAuthorizationStore store, string principalId, string keyId, string secret,
        string kind = AuthTypes.ApiKey, string[]? roles = null, string[]? permissions = null, bool disabled = false, DateTimeOffset? expiresAt = null)
    {
        await store.PutPrincipalAsync(new PrincipalChange(principalId, roles ?? ["admin"], permissions ?? ["read", "write"], disabled), "test");
        var outcome = await store.CreateCredentialAsync(new NewCredential(keyId, kind, principalId, Sha256Hex(secret), expiresAt), "test");
        Assert.Equal(CreateCredentialOutcome.Created, outcome);
    }
}

/// <summary>Answers credentials and routes from <paramref name="inner"/> but knows no principal (a record deleted behind a key).</summary>
internal sealed class WithoutPrincipals(IAuthorizationStore inner) : IAuthorizationStore
{
    public Task<PrincipalRecord?> GetPrincipalAsync(string principalId, CancellationToken cancellationToken = default) => Task.FromResult<PrincipalRecord?>(null);
    public Task<PutPrincipalResult> PutPrincipalAsync(PrincipalChange principal, AuditActor actor, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<CreateCredentialOutcome> CreateCredentialAsync(NewCredential credential, AuditActor actor, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<CredentialRecord?> FindUsableCredentialByHashAsync(string sha256, CancellationToken cancellationToken = default) => inner.FindUsableCredentialByHashAsync(sha256, cancellationToken);
    public Task<CredentialRecord?> GetCredentialAsync(string keyId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(string principalId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<CredentialRecord?> RevokeCredentialAsync(string keyId, AuditActor actor, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<RouteRules?> GetRouteRulesAsync(CancellationToken cancellationToken = default) => inner.GetRouteRulesAsync(cancellationToken);
    public Task PutRouteRulesAsync(RouteRules routes, AuditActor actor, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsAsync(DateOnly dayUtc, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsOfPrincipalAsync(string principalId, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}

/// <summary>A store whose every call fails with the given exception (or never answers, for a cancelled/timeout path).</summary>
internal sealed class FailingStore(Exception error) : IAuthorizationStore
{
    private Task<T> Fail<T>() => Task.FromException<T>(error);
    public Task<PrincipalRecord?> GetPrincipalAsync(string principalId, CancellationToken cancellationToken = default) => Fail<PrincipalRecord?>();
    public Task<PutPrincipalResult> PutPrincipalAsync(PrincipalChange principal, AuditActor actor, CancellationToken cancellationToken = default) => Fail<PutPrincipalResult>();
    public Task<CreateCredentialOutcome> CreateCredentialAsync(NewCredential credential, AuditActor actor, CancellationToken cancellationToken = default) => Fail<CreateCredentialOutcome>();
    public Task<CredentialRecord?> FindUsableCredentialByHashAsync(string sha256, CancellationToken cancellationToken = default) => Fail<CredentialRecord?>();
    public Task<CredentialRecord?> GetCredentialAsync(string keyId, CancellationToken cancellationToken = default) => Fail<CredentialRecord?>();
    public Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(string principalId, CancellationToken cancellationToken = default) => Fail<IReadOnlyList<CredentialRecord>>();
    public Task<CredentialRecord?> RevokeCredentialAsync(string keyId, AuditActor actor, CancellationToken cancellationToken = default) => Fail<CredentialRecord?>();
    public Task<RouteRules?> GetRouteRulesAsync(CancellationToken cancellationToken = default) => Fail<RouteRules?>();
    public Task PutRouteRulesAsync(RouteRules routes, AuditActor actor, CancellationToken cancellationToken = default) => Fail<bool>();
    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsAsync(DateOnly dayUtc, int limit, CancellationToken cancellationToken = default) => Fail<IReadOnlyList<AuditRecord>>();
    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsOfPrincipalAsync(string principalId, int limit, CancellationToken cancellationToken = default) => Fail<IReadOnlyList<AuditRecord>>();
}
