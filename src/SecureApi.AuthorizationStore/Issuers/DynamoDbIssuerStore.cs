using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;

namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>
/// The issuer registry on the authorization store's table: one item per entry in the "ISSUERS" partition
/// (<see cref="TableKeys.Issuer"/>), so listing is one Query and the TOKEN authorizer's role can be limited to it.
/// Writes are optimistic (read, then write on the condition nobody wrote in between) with their audit record.
/// </summary>
public sealed class DynamoDbIssuerStore : IIssuerStore
{
    private const int MaxAttempts = 3;
    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly TimeProvider _time;
    private readonly BoundedCall _bounded;

    public DynamoDbIssuerStore(IAmazonDynamoDB client, AuthorizationStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (!options.UsesDynamoDb) throw new ArgumentException("options.TableName is required.", nameof(options));
        _client = client;
        _table = options.TableName!;
        _time = time;
        _bounded = new BoundedCall(options.Timeout);
    }

    public Task<IssuerRecord?> GetIssuerAsync(string name, CancellationToken cancellationToken = default)
    {
        IssuerAudit.Name(name);
        return _bounded.RunAsync("GetIssuer", async ct =>
        {
            var item = await GetAsync(name, ct).ConfigureAwait(false);
            return item is null ? null : IssuerItems.ToRecord(item);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<IssuerRecord>> ListIssuersAsync(CancellationToken cancellationToken = default) =>
        _bounded.RunAsync<IReadOnlyList<IssuerRecord>>("ListIssuers", async ct =>
        {
            var request = new QueryRequest
            {
                TableName = _table,
                ConsistentRead = true,
                KeyConditionExpression = "PK = :pk",
                ExpressionAttributeValues = new() { [":pk"] = ItemMapper.S(TableKeys.IssuersKey) },
            };
            var all = new List<IssuerRecord>();
            do
            {
                var page = await _client.QueryAsync(request, ct).ConfigureAwait(false);
                if (page.Items is not null) all.AddRange(page.Items.Select(IssuerItems.ToRecord));
                request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            } while (request.ExclusiveStartKey is not null);
            return [.. all.OrderBy(i => i.Entry.Name, StringComparer.Ordinal)];
        }, cancellationToken);

    public Task<PutIssuerResult> PutIssuerAsync(IssuerEntry issuer, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var entry = IssuerAudit.Entry(issuer);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("PutIssuer", async ct =>
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var existingItem = await GetAsync(entry.Name, ct).ConfigureAwait(false);
                var existing = existingItem is null ? null : IssuerItems.ToRecord(existingItem);
                var now = _time.GetUtcNow();
                var stored = new IssuerRecord(entry, existing?.CreatedAt ?? now, now);
                var put = new Put { TableName = _table, Item = IssuerItems.Item(stored) };
                Unchanged(put, existingItem);
                var items = new List<TransactWriteItem> { new() { Put = put } };
                items.AddRange(AuditedTransaction.AuditPuts(_table, IssuerAudit.Put(existing, stored, actor)));
                if (await AuditedTransaction.TryWriteAsync(_client, items, ct).ConfigureAwait(false) is null)
                    return new PutIssuerResult(stored, existing is null);
            }
            throw new AuthorizationStoreConflictException("The issuer kept changing concurrently; nothing was written.");
        }, cancellationToken);
    }

    public Task<bool> DeleteIssuerAsync(string name, AuditActor actor, CancellationToken cancellationToken = default)
    {
        IssuerAudit.Name(name);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("DeleteIssuer", async ct =>
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var existingItem = await GetAsync(name, ct).ConfigureAwait(false);
                if (existingItem is null) return false;
                var delete = new Delete { TableName = _table, Key = ItemMapper.Key(TableKeys.IssuersKey, TableKeys.Issuer(name)) };
                delete.ConditionExpression = "updatedAt = :seen";
                delete.ExpressionAttributeValues = new() { [":seen"] = existingItem["updatedAt"] };
                var items = new List<TransactWriteItem> { new() { Delete = delete } };
                items.AddRange(AuditedTransaction.AuditPuts(_table, IssuerAudit.Deleted(IssuerItems.ToRecord(existingItem), _time.GetUtcNow(), actor)));
                if (await AuditedTransaction.TryWriteAsync(_client, items, ct).ConfigureAwait(false) is null) return true;
            }
            throw new AuthorizationStoreConflictException("The issuer kept changing concurrently; nothing was deleted.");
        }, cancellationToken);
    }

    private static void Unchanged(Put put, Dictionary<string, AttributeValue>? seen)
    {
        if (seen is null)
        {
            put.ConditionExpression = "attribute_not_exists(PK)";
            return;
        }
        put.ConditionExpression = "updatedAt = :seen";
        put.ExpressionAttributeValues = new() { [":seen"] = seen["updatedAt"] };
    }

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(string name, CancellationToken ct)
    {
        var response = await _client.GetItemAsync(new GetItemRequest
        {
            TableName = _table, Key = ItemMapper.Key(TableKeys.IssuersKey, TableKeys.Issuer(name)), ConsistentRead = true,
        }, ct).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? item : null;
    }
}
