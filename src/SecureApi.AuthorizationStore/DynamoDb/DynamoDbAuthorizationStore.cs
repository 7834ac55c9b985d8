using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static SecureApi.AuthorizationStore.DynamoDb.ItemMapper;

namespace SecureApi.AuthorizationStore.DynamoDb;

/// <summary>
/// The store on one DynamoDB table through the low-level client (keys: <see cref="TableKeys"/>). Reads are
/// GetItem or a one-partition Query, strongly consistent so a revocation is seen by the next uncached read.
/// Every multi-item change is one TransactWriteItems that includes its audit record.
/// </summary>
public sealed class DynamoDbAuthorizationStore : IAuthorizationStore, IDisposable
{
    private const string Active = "active";
    private const int MaxPutAttempts = 3;

    private readonly IAmazonDynamoDB _client;
    private readonly bool _ownsClient;
    private readonly string _table;
    private readonly TimeProvider _time;
    private readonly BoundedCall _bounded;

    /// <param name="client">A low-level client; see <see cref="DynamoDbClientFactory.Create"/>.</param>
    /// <param name="ownsClient">Dispose the client with this store.</param>
    public DynamoDbAuthorizationStore(IAmazonDynamoDB client, AuthorizationStoreOptions options, TimeProvider time, bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (!options.UsesDynamoDb) throw new ArgumentException("options.TableName is required.", nameof(options));
        _client = client;
        _ownsClient = ownsClient;
        _table = options.TableName!;
        _time = time;
        _bounded = new BoundedCall(options.Timeout);
    }

    public string TableName => _table;

    /// <summary>The process's one client: the step-up and rate-limit stores on this table share it (this store owns it).</summary>
    internal IAmazonDynamoDB Client => _client;

    /// <summary>Creates the table (on-demand, TTL on) unless it exists. Local work and tests only; bounded by <paramref name="budget"/>.</summary>
    public Task CreateTableIfMissingAsync(TimeSpan budget, CancellationToken cancellationToken = default) =>
        new BoundedCall(budget).RunAsync("CreateTable", ct => DynamoDbTableSetup.CreateIfMissingAsync(_client, _table, ct), cancellationToken);

    public Task<PrincipalRecord?> GetPrincipalAsync(string principalId, CancellationToken cancellationToken = default)
    {
        StoreInput.Id(principalId, nameof(principalId));
        return _bounded.RunAsync("GetPrincipal", async ct =>
        {
            var item = await GetAsync(TableKeys.Principal(principalId), TableKeys.PrincipalProfileSortKey, ct).ConfigureAwait(false);
            return item is null ? null : ToPrincipal(item);
        }, cancellationToken);
    }

    public Task<PutPrincipalResult> PutPrincipalAsync(PrincipalChange principal, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var change = StoreInput.Principal(principal);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("PutPrincipal", async ct =>
        {
            // Optimistic: read, then write on the condition that nobody wrote in between (keeps CreatedAt exact).
            for (var attempt = 0; attempt < MaxPutAttempts; attempt++)
            {
                var existingItem = await GetAsync(TableKeys.Principal(change.Id), TableKeys.PrincipalProfileSortKey, ct).ConfigureAwait(false);
                var existing = existingItem is null ? null : ToPrincipal(existingItem);
                var now = _time.GetUtcNow();
                var stored = new PrincipalRecord(change.Id, change.Roles, change.Permissions, change.Disabled, existing?.CreatedAt ?? now, now,
                    change.KeepStoredPlan ? existing?.Plan : change.Plan);
                var put = new Put { TableName = _table, Item = Principal(stored) };
                if (existingItem is null)
                {
                    put.ConditionExpression = "attribute_not_exists(PK)";
                }
                else
                {
                    put.ConditionExpression = "updatedAt = :seen";
                    put.ExpressionAttributeValues = new() { [":seen"] = existingItem["updatedAt"] };
                }
                var audit = AuditEntries.PrincipalPut(existing, stored, actor);
                if (await TryTransactAsync([new() { Put = put }, .. AuditPuts(audit)], ct).ConfigureAwait(false) is null)
                    return new PutPrincipalResult(stored, existing is null);
            }
            throw new AuthorizationStoreConflictException("The principal kept changing concurrently; nothing was written.");
        }, cancellationToken);
    }

    public Task<CreateCredentialOutcome> CreateCredentialAsync(NewCredential credential, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var c = StoreInput.Credential(credential);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("CreateCredential", async ct =>
        {
            var stored = new CredentialRecord(c.KeyId, c.Kind, c.PrincipalId, c.Sha256, CredentialStatus.Active, c.ExpiresAt, _time.GetUtcNow(), c.Description);
            // Order matters: the index of a failed condition tells which rule was broken.
            List<TransactWriteItem> items =
            [
                new() { Put = new Put { TableName = _table, Item = Credential(stored, TableKeys.CredentialByHash(c.Sha256), TableKeys.CredentialSortKey), ConditionExpression = "attribute_not_exists(PK)" } },
                new() { Put = new Put { TableName = _table, Item = Credential(stored, TableKeys.CredentialByKeyId(c.KeyId), TableKeys.CredentialSortKey), ConditionExpression = "attribute_not_exists(PK)" } },
                new() { ConditionCheck = new ConditionCheck { TableName = _table, Key = Key(TableKeys.Principal(c.PrincipalId), TableKeys.PrincipalProfileSortKey), ConditionExpression = "attribute_exists(PK)" } },
                new() { Put = new Put { TableName = _table, Item = Credential(stored, TableKeys.Principal(c.PrincipalId), TableKeys.CredentialInPrincipal(c.KeyId)) } },
                .. AuditPuts(AuditEntries.CredentialCreated(stored, actor)),
            ];
            var failed = await TryTransactAsync(items, ct).ConfigureAwait(false);
            return failed switch
            {
                null => CreateCredentialOutcome.Created,
                0 => CreateCredentialOutcome.DuplicateHash,
                1 => CreateCredentialOutcome.DuplicateKeyId,
                2 => CreateCredentialOutcome.UnknownPrincipal,
                _ => throw new AuthorizationStoreConflictException("The credential could not be created; nothing was written."),
            };
        }, cancellationToken);
    }

    public Task<CredentialRecord?> FindUsableCredentialByHashAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var hash = StoreInput.Sha256(sha256, nameof(sha256));
        return _bounded.RunAsync("FindCredential", async ct =>
        {
            var item = await GetAsync(TableKeys.CredentialByHash(hash), TableKeys.CredentialSortKey, ct).ConfigureAwait(false);
            if (item is null) return null;
            var found = ToCredential(item);
            return found.IsUsableAt(_time.GetUtcNow()) ? found : null;
        }, cancellationToken);
    }

    public Task<CredentialRecord?> GetCredentialAsync(string keyId, CancellationToken cancellationToken = default)
    {
        StoreInput.Id(keyId, nameof(keyId));
        return _bounded.RunAsync("GetCredential", async ct =>
        {
            var item = await GetAsync(TableKeys.CredentialByKeyId(keyId), TableKeys.CredentialSortKey, ct).ConfigureAwait(false);
            return item is null ? null : ToCredential(item);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(string principalId, CancellationToken cancellationToken = default)
    {
        StoreInput.Id(principalId, nameof(principalId));
        return _bounded.RunAsync<IReadOnlyList<CredentialRecord>>("ListCredentials", async ct =>
        {
            var items = await QueryAllAsync(new QueryRequest
            {
                TableName = _table,
                ConsistentRead = true,
                KeyConditionExpression = "PK = :pk AND begins_with(SK, :prefix)",
                ExpressionAttributeValues = new()
                {
                    [":pk"] = S(TableKeys.Principal(principalId)),
                    [":prefix"] = S(TableKeys.CredentialListPrefix),
                },
            }, int.MaxValue, ct).ConfigureAwait(false);
            return items.Select(ToCredential).ToArray();
        }, cancellationToken);
    }

    public Task<CredentialRecord?> RevokeCredentialAsync(string keyId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        StoreInput.Id(keyId, nameof(keyId));
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("RevokeCredential", async ct =>
        {
            var item = await GetAsync(TableKeys.CredentialByKeyId(keyId), TableKeys.CredentialSortKey, ct).ConfigureAwait(false);
            if (item is null) return null;
            var existing = ToCredential(item);
            if (existing.Status == CredentialStatus.Revoked) return existing;
            var revoked = existing with { Status = CredentialStatus.Revoked, RevokedAt = _time.GetUtcNow() };
            List<TransactWriteItem> items =
            [
                Revoke(TableKeys.CredentialByKeyId(keyId), TableKeys.CredentialSortKey, revoked),
                Revoke(TableKeys.CredentialByHash(existing.Sha256), TableKeys.CredentialSortKey, revoked),
                Revoke(TableKeys.Principal(existing.PrincipalId), TableKeys.CredentialInPrincipal(keyId), revoked),
                .. AuditPuts(AuditEntries.CredentialRevoked(revoked, actor)),
            ];
            if (await TryTransactAsync(items, ct).ConfigureAwait(false) is null) return revoked;
            // Lost a race (revoked concurrently, or TTL removed a copy): report what is stored now.
            var now = await GetAsync(TableKeys.CredentialByKeyId(keyId), TableKeys.CredentialSortKey, ct).ConfigureAwait(false);
            return now is null ? null : ToCredential(now);
        }, cancellationToken);
    }

    public Task<RouteRules?> GetRouteRulesAsync(CancellationToken cancellationToken = default) =>
        _bounded.RunAsync("GetRoutePolicy", async ct =>
        {
            var item = await GetAsync(TableKeys.RouteRulesKey, TableKeys.RouteRulesKey, ct).ConfigureAwait(false);
            return item is null ? null : ToRouteRules(item);
        }, cancellationToken);

    public Task PutRouteRulesAsync(RouteRules routes, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routes);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("PutRoutePolicy", async ct =>
        {
            var now = _time.GetUtcNow();
            List<TransactWriteItem> items =
            [
                new() { Put = new Put { TableName = _table, Item = RouteRulesItem(routes, now) } },
                .. AuditPuts(AuditEntries.RouteRulesPut(routes, now, actor)),
            ];
            if (await TryTransactAsync(items, ct).ConfigureAwait(false) is not null)
                throw new AuthorizationStoreConflictException("The route table could not be written; nothing was written.");
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsAsync(DateOnly dayUtc, int limit, CancellationToken cancellationToken = default)
    {
        StoreInput.AuditLimit(limit);
        return QueryAuditAsync("ListAuditRecords", TableKeys.AuditDay(dayUtc), limit, cancellationToken);
    }

    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsOfPrincipalAsync(string principalId, int limit, CancellationToken cancellationToken = default)
    {
        StoreInput.Id(principalId, nameof(principalId));
        StoreInput.AuditLimit(limit);
        return QueryAuditAsync("ListAuditRecordsOfPrincipal", TableKeys.AuditOfPrincipal(principalId), limit, cancellationToken);
    }

    /// <summary>One audit partition, newest first (the sort key starts with the record's time).</summary>
    private Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(string operation, string partition, int limit, CancellationToken cancellationToken) =>
        _bounded.RunAsync<IReadOnlyList<AuditRecord>>(operation, async ct =>
        {
            var items = await QueryAllAsync(new QueryRequest
            {
                TableName = _table,
                ConsistentRead = true,
                KeyConditionExpression = "PK = :pk",
                ExpressionAttributeValues = new() { [":pk"] = S(partition) },
                ScanIndexForward = false,
                Limit = limit,
            }, limit, ct).ConfigureAwait(false);
            return items.Select(ToAudit).ToArray();
        }, cancellationToken);

    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
    }

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(string pk, string sk, CancellationToken ct)
    {
        var response = await _client.GetItemAsync(new GetItemRequest { TableName = _table, Key = Key(pk, sk), ConsistentRead = true }, ct).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private async Task<List<Dictionary<string, AttributeValue>>> QueryAllAsync(QueryRequest request, int max, CancellationToken ct)
    {
        var all = new List<Dictionary<string, AttributeValue>>();
        do
        {
            var page = await _client.QueryAsync(request, ct).ConfigureAwait(false);
            if (page.Items is not null) all.AddRange(page.Items);
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        } while (request.ExclusiveStartKey is not null && all.Count < max);
        return all.Count > max ? all.GetRange(0, max) : all;
    }

    private Task<int?> TryTransactAsync(List<TransactWriteItem> items, CancellationToken ct) =>
        AuditedTransaction.TryWriteAsync(_client, items, ct);

    private TransactWriteItem[] AuditPuts(AuditRecord audit) => AuditedTransaction.AuditPuts(_table, audit);

    private TransactWriteItem Revoke(string pk, string sk, CredentialRecord revoked) => new()
    {
        Update = new Update
        {
            TableName = _table,
            Key = Key(pk, sk),
            UpdateExpression = "SET #status = :revoked, revokedAt = :at",
            ConditionExpression = "#status = :active",
            ExpressionAttributeNames = new() { ["#status"] = "status" },
            ExpressionAttributeValues = new()
            {
                [":revoked"] = S(StatusText(CredentialStatus.Revoked)),
                [":active"] = S(Active),
                [":at"] = Time(revoked.RevokedAt!.Value),
            },
        },
    };
}
