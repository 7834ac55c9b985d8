namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>
/// The run-time issuer registry, next to the authorization store (same table, same audit trail). Every write
/// takes the acting principal and writes its <see cref="AuditRecord"/> atomically with the change. Every call
/// answers or throws <see cref="AuthorizationStoreUnavailableException"/> within the store's time budget; an
/// invalid name throws <see cref="ArgumentException"/> before anything is sent.
/// </summary>
public interface IIssuerStore
{
    /// <summary>The entry, or null when none has this name. One GetItem.</summary>
    Task<IssuerRecord?> GetIssuerAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every stored entry, ordered by name. One Query (paged) on the registry's own partition.</summary>
    Task<IReadOnlyList<IssuerRecord>> ListIssuersAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces an entry; keeps the original CreatedAt and stamps UpdatedAt.</summary>
    Task<PutIssuerResult> PutIssuerAsync(IssuerEntry issuer, AuditActor actor, CancellationToken cancellationToken = default);

    /// <summary>Removes an entry; false when none has this name (nothing written).</summary>
    Task<bool> DeleteIssuerAsync(string name, AuditActor actor, CancellationToken cancellationToken = default);
}
