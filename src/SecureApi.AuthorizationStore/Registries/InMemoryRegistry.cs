namespace SecureApi.AuthorizationStore.Registries;

/// <summary>
/// A run-time registry of `dotnet run` without a table: the DynamoDB registry's semantics behind one lock. Audit
/// records go to the given in-memory authorization store's trail (the one trail the admin reads).
/// </summary>
internal sealed class InMemoryRegistry<TEntry, TRecord>(TimeProvider time, InMemoryAuthorizationStore? audit, RegistryKind<TEntry, TRecord> kind)
    where TEntry : IRegistryEntry where TRecord : class, IRegistryRecord<TEntry>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TRecord> _entries = new(StringComparer.Ordinal);

    public Task<TRecord?> GetAsync(string name)
    {
        RegistryKind<TEntry, TRecord>.Name(name);
        lock (_gate) return Task.FromResult(_entries.GetValueOrDefault(name));
    }

    public Task<IReadOnlyList<TRecord>> ListAsync()
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<TRecord>>(_entries.Values.OrderBy(r => r.Entry.Name, StringComparer.Ordinal).ToArray());
    }

    public Task<(TRecord Stored, bool Created)> PutAsync(TEntry entry, AuditActor actor)
    {
        entry = kind.Checked(entry);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var existing = _entries.GetValueOrDefault(entry.Name);
            var stored = kind.Record(entry, existing?.CreatedAt ?? now, now);
            _entries[entry.Name] = stored;
            audit?.AppendAudit(kind.Put(existing, stored, actor));
            return Task.FromResult((stored, existing is null));
        }
    }

    public Task<bool> DeleteAsync(string name, AuditActor actor)
    {
        RegistryKind<TEntry, TRecord>.Name(name);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            if (!_entries.Remove(name, out var existing)) return Task.FromResult(false);
            audit?.AppendAudit(kind.Deleted(existing, time.GetUtcNow(), actor));
            return Task.FromResult(true);
        }
    }
}
