using SecureApi.AuthorizationStore.Registries;

namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>
/// The issuer registry of `dotnet run` without a table (<see cref="InMemoryRegistry{TEntry,TRecord}"/>). Audit
/// records go to the given in-memory authorization store's trail (the one trail the admin reads).
/// </summary>
public sealed class InMemoryIssuerStore(TimeProvider time, InMemoryAuthorizationStore? audit = null) : IIssuerStore
{
    private readonly InMemoryRegistry<IssuerEntry, IssuerRecord> _registry = new(time, audit, IssuerKind.Instance);

    public Task<IssuerRecord?> GetIssuerAsync(string name, CancellationToken cancellationToken = default) => _registry.GetAsync(name);

    public Task<IReadOnlyList<IssuerRecord>> ListIssuersAsync(CancellationToken cancellationToken = default) => _registry.ListAsync();

    public async Task<PutIssuerResult> PutIssuerAsync(IssuerEntry issuer, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var (stored, created) = await _registry.PutAsync(issuer, actor).ConfigureAwait(false);
        return new PutIssuerResult(stored, created);
    }

    public Task<bool> DeleteIssuerAsync(string name, AuditActor actor, CancellationToken cancellationToken = default) =>
        _registry.DeleteAsync(name, actor);
}
