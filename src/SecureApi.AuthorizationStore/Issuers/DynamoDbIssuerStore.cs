using Amazon.DynamoDBv2;
using SecureApi.AuthorizationStore.Registries;

namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>
/// The issuer registry on the authorization store's table: one item per entry in the "ISSUERS" partition
/// (<see cref="DynamoDb.TableKeys.Issuer"/>), so listing is one Query and the TOKEN authorizer's role can be limited
/// to it. Writes are optimistic with their audit record (<see cref="DynamoDbRegistry{TEntry,TRecord}"/>).
/// </summary>
public sealed class DynamoDbIssuerStore(IAmazonDynamoDB client, AuthorizationStoreOptions options, TimeProvider time) : IIssuerStore
{
    private readonly DynamoDbRegistry<IssuerEntry, IssuerRecord> _registry = new(client, options, time, IssuerKind.Instance);

    public Task<IssuerRecord?> GetIssuerAsync(string name, CancellationToken cancellationToken = default) => _registry.GetAsync(name, cancellationToken);

    public Task<IReadOnlyList<IssuerRecord>> ListIssuersAsync(CancellationToken cancellationToken = default) => _registry.ListAsync(cancellationToken);

    public async Task<PutIssuerResult> PutIssuerAsync(IssuerEntry issuer, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var (stored, created) = await _registry.PutAsync(issuer, actor, cancellationToken).ConfigureAwait(false);
        return new PutIssuerResult(stored, created);
    }

    public Task<bool> DeleteIssuerAsync(string name, AuditActor actor, CancellationToken cancellationToken = default) =>
        _registry.DeleteAsync(name, actor, cancellationToken);
}
