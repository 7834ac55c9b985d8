using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;

namespace SecureApi.AuthorizationStore.Registries;

/// <summary>
/// A run-time registry on the authorization store's table: one item per entry in the kind's partition, so listing is
/// one Query and a reader's role can be limited to it. Writes are optimistic (read, then write on the condition
/// nobody wrote in between) with their audit record, in one transaction. Every call answers or throws
/// <see cref="AuthorizationStoreUnavailableException"/> within the store's time budget.
/// </summary>
internal sealed class DynamoDbRegistry<TEntry, TRecord>
    where TEntry : IRegistryEntry where TRecord : class, IRegistryRecord<TEntry>
{
    private const int MaxAttempts = 3;
    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly TimeProvider _time;
    private readonly BoundedCall _bounded;
    private readonly RegistryKind<TEntry, TRecord> _kind;

    public DynamoDbRegistry(IAmazonDynamoDB client, AuthorizationStoreOptions options, TimeProvider time, RegistryKind<TEntry, TRecord> kind)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (!options.UsesDynamoDb) throw new ArgumentException("options.TableName is required.", nameof(options));
        _client = client;
        _table = options.TableName!;
        _time = time;
        _bounded = new BoundedCall(options.Timeout);
        _kind = kind;
    }

    public Task<TRecord?> GetAsync(string name, CancellationToken cancellationToken)
    {
        RegistryKind<TEntry, TRecord>.Name(name);
        return _bounded.RunAsync("Get" + _kind.OperationNoun, async ct =>
        {
            var item = await GetItemAsync(name, ct).ConfigureAwait(false);
            return item is null ? null : _kind.FromItem(item);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<TRecord>> ListAsync(CancellationToken cancellationToken) =>
        _bounded.RunAsync<IReadOnlyList<TRecord>>("List" + _kind.OperationNoun + "s", async ct =>
        {
            var request = new QueryRequest
            {
                TableName = _table,
                ConsistentRead = true,
                KeyConditionExpression = "PK = :pk",
                ExpressionAttributeValues = new() { [":pk"] = ItemMapper.S(_kind.Partition) },
            };
            var all = new List<TRecord>();
            do
            {
                var page = await _client.QueryAsync(request, ct).ConfigureAwait(false);
                if (page.Items is not null) all.AddRange(page.Items.Select(_kind.FromItem));
                request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            } while (request.ExclusiveStartKey is not null);
            return [.. all.OrderBy(r => r.Entry.Name, StringComparer.Ordinal)];
        }, cancellationToken);

    /// <summary>Creates or replaces an entry (keeping its CreatedAt); Created is true when none had its name.</summary>
    public Task<(TRecord Stored, bool Created)> PutAsync(TEntry entry, AuditActor actor, CancellationToken cancellationToken)
    {
        entry = _kind.Checked(entry);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("Put" + _kind.OperationNoun, async ct =>
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var existingItem = await GetItemAsync(entry.Name, ct).ConfigureAwait(false);
                var existing = existingItem is null ? null : _kind.FromItem(existingItem);
                var now = _time.GetUtcNow();
                var stored = _kind.Record(entry, existing?.CreatedAt ?? now, now);
                var put = new Put { TableName = _table, Item = _kind.Item(stored) };
                if (existingItem is null) put.ConditionExpression = "attribute_not_exists(PK)";
                else Unchanged(existingItem, e => put.ConditionExpression = e, v => put.ExpressionAttributeValues = v);
                var items = new List<TransactWriteItem> { new() { Put = put } };
                items.AddRange(AuditedTransaction.AuditPuts(_table, _kind.Put(existing, stored, actor)));
                if (await AuditedTransaction.TryWriteAsync(_client, items, ct).ConfigureAwait(false) is null) return (stored, existing is null);
            }
            throw new AuthorizationStoreConflictException($"The {_kind.Noun} kept changing concurrently; nothing was written.");
        }, cancellationToken);
    }

    /// <summary>Removes an entry; false when none has this name (nothing written).</summary>
    public Task<bool> DeleteAsync(string name, AuditActor actor, CancellationToken cancellationToken)
    {
        RegistryKind<TEntry, TRecord>.Name(name);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("Delete" + _kind.OperationNoun, async ct =>
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var existingItem = await GetItemAsync(name, ct).ConfigureAwait(false);
                if (existingItem is null) return false;
                var delete = new Delete { TableName = _table, Key = _kind.Key(name) };
                Unchanged(existingItem, e => delete.ConditionExpression = e, v => delete.ExpressionAttributeValues = v);
                var items = new List<TransactWriteItem> { new() { Delete = delete } };
                items.AddRange(AuditedTransaction.AuditPuts(_table, _kind.Deleted(_kind.FromItem(existingItem), _time.GetUtcNow(), actor)));
                if (await AuditedTransaction.TryWriteAsync(_client, items, ct).ConfigureAwait(false) is null) return true;
            }
            throw new AuthorizationStoreConflictException($"The {_kind.Noun} kept changing concurrently; nothing was deleted.");
        }, cancellationToken);
    }

    /// <summary>The write's condition: the item is still the one read (its updatedAt unchanged).</summary>
    private static void Unchanged(Dictionary<string, AttributeValue> seen, Action<string> condition, Action<Dictionary<string, AttributeValue>> values)
    {
        condition("updatedAt = :seen");
        values(new() { [":seen"] = seen["updatedAt"] });
    }

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(string name, CancellationToken ct)
    {
        var response = await _client.GetItemAsync(new GetItemRequest { TableName = _table, Key = _kind.Key(name), ConsistentRead = true }, ct)
            .ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? item : null;
    }
}
