namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>
/// The issuer registry of `dotnet run` without a table: the DynamoDB store's semantics behind one lock. Audit
/// records go to the given in-memory authorization store's trail (the one trail the admin reads).
/// </summary>
public sealed class InMemoryIssuerStore(TimeProvider time, InMemoryAuthorizationStore? audit = null) : IIssuerStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IssuerRecord> _issuers = new(StringComparer.Ordinal);

    public Task<IssuerRecord?> GetIssuerAsync(string name, CancellationToken cancellationToken = default)
    {
        IssuerAudit.Name(name);
        lock (_gate) return Task.FromResult(_issuers.GetValueOrDefault(name));
    }

    public Task<IReadOnlyList<IssuerRecord>> ListIssuersAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<IssuerRecord>>(_issuers.Values.OrderBy(i => i.Entry.Name, StringComparer.Ordinal).ToArray());
    }

    public Task<PutIssuerResult> PutIssuerAsync(IssuerEntry issuer, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var entry = IssuerAudit.Entry(issuer);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var existing = _issuers.GetValueOrDefault(entry.Name);
            var stored = new IssuerRecord(entry, existing?.CreatedAt ?? now, now);
            _issuers[entry.Name] = stored;
            audit?.AppendAudit(IssuerAudit.Put(existing, stored, actor));
            return Task.FromResult(new PutIssuerResult(stored, existing is null));
        }
    }

    public Task<bool> DeleteIssuerAsync(string name, AuditActor actor, CancellationToken cancellationToken = default)
    {
        IssuerAudit.Name(name);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            if (!_issuers.Remove(name, out var existing)) return Task.FromResult(false);
            audit?.AppendAudit(IssuerAudit.Deleted(existing, time.GetUtcNow(), actor));
            return Task.FromResult(true);
        }
    }
}
