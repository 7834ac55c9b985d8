namespace SecureApi.AuthorizationStore;

/// <summary>
/// Run-time authorization data: principals, credentials (by hash), the route table and the audit trail.
/// Every write takes the acting principal (<c>actor</c>) and writes its <see cref="AuditRecord"/> atomically with
/// the change. Every call either answers or throws <see cref="AuthorizationStoreUnavailableException"/> within
/// the configured time budget; callers fail closed on it. Arguments that break the rules (an empty id, a hash that
/// is not 64 hex digits, an unknown kind) throw <see cref="ArgumentException"/> before anything is sent.
/// </summary>
public interface IAuthorizationStore
{
    /// <summary>The principal, or null when none has this id. One GetItem.</summary>
    Task<PrincipalRecord?> GetPrincipalAsync(string principalId, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a principal; keeps the original CreatedAt and stamps UpdatedAt.</summary>
    Task<PutPrincipalResult> PutPrincipalAsync(PrincipalChange principal, AuditActor actor, CancellationToken cancellationToken = default);

    /// <summary>Adds a credential for an existing principal; never overwrites one with the same key id or hash.</summary>
    Task<CreateCredentialOutcome> CreateCredentialAsync(NewCredential credential, AuditActor actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// The REQUEST authorizer's hot path: the credential with this SHA-256 (hex, any case) if it is usable now
    /// (active, not expired), else null. One GetItem. The principal's own status is checked separately.
    /// </summary>
    Task<CredentialRecord?> FindUsableCredentialByHashAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>The credential with this key id whatever its status (admin view), or null. One GetItem.</summary>
    Task<CredentialRecord?> GetCredentialAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>A principal's credentials, every status, ordered by key id. One Query (paged).</summary>
    Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(string principalId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Revokes a credential; null when no credential has this key id. Revoking a revoked one returns it unchanged
    /// and writes nothing. The hash stays taken, so the same secret cannot be registered again.
    /// </summary>
    Task<CredentialRecord?> RevokeCredentialAsync(string keyId, AuditActor actor, CancellationToken cancellationToken = default);

    /// <summary>The stored route table, or null when none has been stored yet (callers fall back). One GetItem.</summary>
    Task<RouteRules?> GetRouteRulesAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the whole route table.</summary>
    Task PutRouteRulesAsync(RouteRules routes, AuditActor actor, CancellationToken cancellationToken = default);

    /// <summary>Audit records of one UTC day, newest first, at most <paramref name="limit"/> (1-1000). One Query.</summary>
    Task<IReadOnlyList<AuditRecord>> ListAuditRecordsAsync(DateOnly dayUtc, int limit, CancellationToken cancellationToken = default);

    /// <summary>Audit records concerning one principal (its record, keys, enrollment), newest first, at most <paramref name="limit"/> (1-1000). One Query.</summary>
    Task<IReadOnlyList<AuditRecord>> ListAuditRecordsOfPrincipalAsync(string principalId, int limit, CancellationToken cancellationToken = default);
}
