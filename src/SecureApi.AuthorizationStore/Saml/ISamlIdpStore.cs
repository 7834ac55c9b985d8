namespace SecureApi.AuthorizationStore.Saml;

/// <summary>
/// The run-time SAML IdP registry, beside the issuers' (same table, same audit trail; partition "SAML-IDPS"). Every
/// write takes the acting principal and writes its <see cref="AuditRecord"/> atomically with the change. Every call
/// answers or throws <see cref="AuthorizationStoreUnavailableException"/> within the store's time budget; an invalid
/// name throws <see cref="ArgumentException"/> before anything is sent.
/// </summary>
public interface ISamlIdpStore
{
    /// <summary>The entry, or null when none has this name. One GetItem.</summary>
    Task<SamlIdpRecord?> GetIdpAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every stored entry, ordered by name. One Query (paged) on the registry's own partition.</summary>
    Task<IReadOnlyList<SamlIdpRecord>> ListIdpsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces an entry; keeps the original CreatedAt and stamps UpdatedAt.</summary>
    Task<PutSamlIdpResult> PutIdpAsync(SamlIdpEntry idp, AuditActor actor, CancellationToken cancellationToken = default);

    /// <summary>Removes an entry; false when none has this name (nothing written).</summary>
    Task<bool> DeleteIdpAsync(string name, AuditActor actor, CancellationToken cancellationToken = default);
}

/// <summary>The SAML IdP registry next to the authorization store: the same table and client (DynamoDB) or the same process (in-memory).</summary>
public static class SamlIdpStoreFactory
{
    /// <param name="authorizationStore">The process's authorization store: its DynamoDB client is shared; an in-memory one receives the audit records.</param>
    public static ISamlIdpStore Create(AuthorizationStoreOptions options, TimeProvider time, IAuthorizationStore authorizationStore) =>
        AuthorizationStoreFactory.Beside<ISamlIdpStore>(options, time, authorizationStore,
            client => new DynamoDbSamlIdpStore(client, options, time), audit => new InMemorySamlIdpStore(time, audit));
}
