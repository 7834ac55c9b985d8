using Amazon.DynamoDBv2;
using SecureApi.AuthorizationStore.Registries;

namespace SecureApi.AuthorizationStore.Saml;

/// <summary>The SAML IdP registry on the authorization store's table (<see cref="DynamoDbRegistry{TEntry,TRecord}"/>, partition "SAML-IDPS").</summary>
public sealed class DynamoDbSamlIdpStore(IAmazonDynamoDB client, AuthorizationStoreOptions options, TimeProvider time) : ISamlIdpStore
{
    private readonly DynamoDbRegistry<SamlIdpEntry, SamlIdpRecord> _registry = new(client, options, time, SamlIdpKind.Instance);

    public Task<SamlIdpRecord?> GetIdpAsync(string name, CancellationToken cancellationToken = default) => _registry.GetAsync(name, cancellationToken);

    public Task<IReadOnlyList<SamlIdpRecord>> ListIdpsAsync(CancellationToken cancellationToken = default) => _registry.ListAsync(cancellationToken);

    public async Task<PutSamlIdpResult> PutIdpAsync(SamlIdpEntry idp, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var (stored, created) = await _registry.PutAsync(idp, actor, cancellationToken).ConfigureAwait(false);
        return new PutSamlIdpResult(stored, created);
    }

    public Task<bool> DeleteIdpAsync(string name, AuditActor actor, CancellationToken cancellationToken = default) =>
        _registry.DeleteAsync(name, actor, cancellationToken);
}

/// <summary>The SAML IdP registry of `dotnet run` without a table; audit records go to the in-memory store's trail.</summary>
public sealed class InMemorySamlIdpStore(TimeProvider time, InMemoryAuthorizationStore? audit = null) : ISamlIdpStore
{
    private readonly InMemoryRegistry<SamlIdpEntry, SamlIdpRecord> _registry = new(time, audit, SamlIdpKind.Instance);

    public Task<SamlIdpRecord?> GetIdpAsync(string name, CancellationToken cancellationToken = default) => _registry.GetAsync(name);

    public Task<IReadOnlyList<SamlIdpRecord>> ListIdpsAsync(CancellationToken cancellationToken = default) => _registry.ListAsync();

    public async Task<PutSamlIdpResult> PutIdpAsync(SamlIdpEntry idp, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var (stored, created) = await _registry.PutAsync(idp, actor).ConfigureAwait(false);
        return new PutSamlIdpResult(stored, created);
    }

    public Task<bool> DeleteIdpAsync(string name, AuditActor actor, CancellationToken cancellationToken = default) =>
        _registry.DeleteAsync(name, actor);
}
