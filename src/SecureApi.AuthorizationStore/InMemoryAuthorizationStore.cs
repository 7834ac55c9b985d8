namespace SecureApi.AuthorizationStore;

/// <summary>
/// The embedded store `dotnet run` uses when no table is configured: same semantics as the DynamoDB store
/// (conditional create, audit written atomically with each change, expiry refused) behind one lock, so every
/// change and its audit record become visible together. Data lives as long as the process.
/// </summary>
public sealed class InMemoryAuthorizationStore(TimeProvider time) : IAuthorizationStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PrincipalRecord> _principals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CredentialRecord> _credentialsByKeyId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keyIdByHash = new(StringComparer.Ordinal);
    private readonly List<AuditRecord> _audit = [];
    private RouteRules? _routes;

    public InMemoryAuthorizationStore() : this(TimeProvider.System) { }

    /// <summary>Adds an initial principal (e.g. from configuration) without an audit record; replaces one with the same id.</summary>
    public InMemoryAuthorizationStore Seed(PrincipalRecord principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var checkedChange = StoreInput.Principal(new PrincipalChange(principal.Id, principal.Roles, principal.Permissions, principal.Disabled));
        lock (_gate) _principals[principal.Id] = principal with { Roles = checkedChange.Roles, Permissions = checkedChange.Permissions };
        return this;
    }

    /// <summary>Adds an initial credential without an audit record; its principal must be seeded first and its key id and hash be new.</summary>
    public InMemoryAuthorizationStore Seed(CredentialRecord credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var c = StoreInput.Credential(new NewCredential(credential.KeyId, credential.Kind, credential.PrincipalId, credential.Sha256, credential.ExpiresAt, credential.Description));
        lock (_gate)
        {
            var outcome = CheckCreate(c);
            if (outcome != CreateCredentialOutcome.Created)
                throw new ArgumentException($"Cannot seed credential '{c.KeyId}': {outcome}.", nameof(credential));
            Add(credential with { Sha256 = c.Sha256 });
        }
        return this;
    }

    public Task<PrincipalRecord?> GetPrincipalAsync(string principalId, CancellationToken cancellationToken = default)
    {
        StoreInput.Id(principalId, nameof(principalId));
        lock (_gate) return Task.FromResult(_principals.GetValueOrDefault(principalId));
    }

    public Task<PutPrincipalResult> PutPrincipalAsync(PrincipalChange principal, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var change = StoreInput.Principal(principal);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var existing = _principals.GetValueOrDefault(change.Id);
            var stored = new PrincipalRecord(change.Id, change.Roles, change.Permissions, change.Disabled, existing?.CreatedAt ?? now, now,
                    change.KeepStoredPlan ? existing?.Plan : change.Plan);
            _principals[stored.Id] = stored;
            _audit.Add(AuditEntries.PrincipalPut(existing, stored, actor));
            return Task.FromResult(new PutPrincipalResult(stored, existing is null));
        }
    }

    public Task<CreateCredentialOutcome> CreateCredentialAsync(NewCredential credential, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var c = StoreInput.Credential(credential);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            var outcome = CheckCreate(c);
            if (outcome != CreateCredentialOutcome.Created) return Task.FromResult(outcome);
            var stored = new CredentialRecord(c.KeyId, c.Kind, c.PrincipalId, c.Sha256, CredentialStatus.Active, c.ExpiresAt, time.GetUtcNow(), c.Description);
            Add(stored);
            _audit.Add(AuditEntries.CredentialCreated(stored, actor));
            return Task.FromResult(outcome);
        }
    }

    public Task<CredentialRecord?> FindUsableCredentialByHashAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var hash = StoreInput.Sha256(sha256, nameof(sha256));
        lock (_gate)
        {
            var found = _keyIdByHash.TryGetValue(hash, out var keyId) ? _credentialsByKeyId[keyId] : null;
            return Task.FromResult(found is not null && found.IsUsableAt(time.GetUtcNow()) ? found : null);
        }
    }

    public Task<CredentialRecord?> GetCredentialAsync(string keyId, CancellationToken cancellationToken = default)
    {
        StoreInput.Id(keyId, nameof(keyId));
        lock (_gate) return Task.FromResult(_credentialsByKeyId.GetValueOrDefault(keyId));
    }

    public Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(string principalId, CancellationToken cancellationToken = default)
    {
        StoreInput.Id(principalId, nameof(principalId));
        lock (_gate)
        {
            IReadOnlyList<CredentialRecord> list = _credentialsByKeyId.Values
                .Where(c => c.PrincipalId == principalId)
                .OrderBy(c => c.KeyId, StringComparer.Ordinal)
                .ToArray();
            return Task.FromResult(list);
        }
    }

    public Task<CredentialRecord?> RevokeCredentialAsync(string keyId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        StoreInput.Id(keyId, nameof(keyId));
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            if (!_credentialsByKeyId.TryGetValue(keyId, out var existing)) return Task.FromResult<CredentialRecord?>(null);
            if (existing.Status == CredentialStatus.Revoked) return Task.FromResult<CredentialRecord?>(existing);
            var revoked = existing with { Status = CredentialStatus.Revoked, RevokedAt = time.GetUtcNow() };
            _credentialsByKeyId[keyId] = revoked;
            _audit.Add(AuditEntries.CredentialRevoked(revoked, actor));
            return Task.FromResult<CredentialRecord?>(revoked);
        }
    }

    public Task<RouteRules?> GetRouteRulesAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_routes);
    }

    public Task PutRouteRulesAsync(RouteRules routes, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routes);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            // A private copy: the caller's list must not change the stored table afterwards.
            _routes = new RouteRules(routes.Rules.ToArray());
            _audit.Add(AuditEntries.RouteRulesPut(_routes, time.GetUtcNow(), actor));
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsAsync(DateOnly dayUtc, int limit, CancellationToken cancellationToken = default)
    {
        StoreInput.AuditLimit(limit);
        lock (_gate)
        {
            IReadOnlyList<AuditRecord> list = _audit
                .Where(a => DateOnly.FromDateTime(a.At.UtcDateTime) == dayUtc)
                .OrderByDescending(a => a.At)
                .ThenByDescending(a => a.Id, StringComparer.Ordinal)
                .Take(limit)
                .ToArray();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsOfPrincipalAsync(string principalId, int limit, CancellationToken cancellationToken = default)
    {
        StoreInput.Id(principalId, nameof(principalId));
        StoreInput.AuditLimit(limit);
        lock (_gate)
        {
            IReadOnlyList<AuditRecord> list = _audit
                .Where(a => a.PrincipalId == principalId)
                .OrderByDescending(a => a.At)
                .ThenByDescending(a => a.Id, StringComparer.Ordinal)
                .Take(limit)
                .ToArray();
            return Task.FromResult(list);
        }
    }

    /// <summary>For the in-memory step-up store: its enrollment changes join this store's audit trail.</summary>
    internal void AppendAudit(AuditRecord record)
    {
        lock (_gate) _audit.Add(record);
    }

    private CreateCredentialOutcome CheckCreate(NewCredential c) =>
        _keyIdByHash.ContainsKey(c.Sha256) ? CreateCredentialOutcome.DuplicateHash
        : _credentialsByKeyId.ContainsKey(c.KeyId) ? CreateCredentialOutcome.DuplicateKeyId
        : !_principals.ContainsKey(c.PrincipalId) ? CreateCredentialOutcome.UnknownPrincipal
        : CreateCredentialOutcome.Created;

    private void Add(CredentialRecord c)
    {
        _credentialsByKeyId[c.KeyId] = c;
        _keyIdByHash[c.Sha256] = c.KeyId;
    }
}
