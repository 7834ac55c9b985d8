namespace SecureApi.AuthorizationStore;

/// <summary>
/// A small TTL map (absence cached too) driven by a <see cref="TimeProvider"/>. Bounded: random-hash probes must
/// not grow memory, so when full it drops expired entries and, if still full, everything. A read that started
/// before an invalidation never stores its (possibly stale) answer: <see cref="Version"/> is checked on set.
/// </summary>
internal sealed class ExpiringCache<TValue>(TimeProvider time, TimeSpan ttl, int maxEntries) where TValue : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (TValue? Value, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);
    private long _version;

    public long Version
    {
        get { lock (_gate) return _version; }
    }

    public bool TryGet(string key, out TValue? value)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var e) && time.GetUtcNow() < e.Until)
            {
                value = e.Value;
                return true;
            }
            value = null;
            return false;
        }
    }

    /// <summary>Stores the answer of a read that began at <paramref name="versionAtRead"/>, unless invalidated since.</summary>
    public void Set(string key, TValue? value, long versionAtRead)
    {
        lock (_gate)
        {
            if (versionAtRead != _version) return;
            var now = time.GetUtcNow();
            if (_entries.Count >= maxEntries && !_entries.ContainsKey(key))
            {
                foreach (var k in _entries.Where(kv => kv.Value.Until <= now).Select(kv => kv.Key).ToList()) _entries.Remove(k);
                if (_entries.Count >= maxEntries) _entries.Clear();
            }
            _entries[key] = (value, now + ttl);
        }
    }

    public void Invalidate(string key)
    {
        lock (_gate)
        {
            _version++;
            _entries.Remove(key);
        }
    }
}
