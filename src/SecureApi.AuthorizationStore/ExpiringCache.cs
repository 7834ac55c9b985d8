using System.Collections.Concurrent;

namespace SecureApi.AuthorizationStore;

/// <summary>
/// A small TTL map (absence cached too) driven by a <see cref="TimeProvider"/>. Bounded: random-hash probes must
/// not grow memory, so when full it drops expired entries and, if still full, everything. A read that started
/// before an invalidation never stores its (possibly stale) answer: <see cref="Version"/> is checked on set.
/// Concurrent misses for one key share one load (<see cref="LoadOnceAsync"/>): a cold instance under a burst of
/// requests sends the store one read per key, not one per request.
/// </summary>
internal sealed class ExpiringCache<TValue>(TimeProvider time, TimeSpan ttl, int maxEntries) where TValue : class
{
    private readonly Lock _gate = new();
    // Each entry keeps its answer as a completed task too, so a hit hands out the same task object: no allocation
    // on the per-request path. Hits read without the gate (a concurrent map; an entry is replaced, never changed);
    // the gate orders what writes: versions, loads, the bound.
    private sealed record Entry(Task<TValue?> Answer, DateTimeOffset Until);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<TValue?>> _loading = new(StringComparer.Ordinal);
    private long _version;

    public long Version
    {
        get { lock (_gate) return _version; }
    }

    /// <summary>A hit as the completed task that holds it (the same object on every hit until the entry changes).</summary>
    public bool TryGet(string key, out Task<TValue?>? answer)
    {
        if (_entries.TryGetValue(key, out var e) && time.GetUtcNow() < e.Until)
        {
            answer = e.Answer;
            return true;
        }
        answer = null;
        return false;
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
                foreach (var (k, e) in _entries)
                    if (e.Until <= now) _entries.TryRemove(k, out _);
                if (_entries.Count >= maxEntries) _entries.Clear();
            }
            _entries[key] = new Entry(Task.FromResult(value), now + ttl);
        }
    }

    /// <summary>
    /// A miss: joins the load of this key already running, else starts <paramref name="load"/>, which caches its
    /// answer (unless invalidated meanwhile). No one caller cancels the shared load (the store bounds it by its own
    /// time budget); each caller stops waiting on its own token. A failure reaches every caller that shared the
    /// load and is not cached.
    /// </summary>
    public Task<TValue?> LoadOnceAsync(string key, Func<CancellationToken, Task<TValue?>> load, CancellationToken ct)
    {
        TaskCompletionSource<TValue?>? mine = null;
        Task<TValue?>? shared;
        long version;
        lock (_gate)
        {
            version = _version;
            if (!_loading.TryGetValue(key, out shared))
            {
                mine = new(TaskCreationOptions.RunContinuationsAsynchronously);
                shared = mine.Task;
                _loading[key] = shared;
            }
        }
        if (mine is not null) _ = LoadAndCacheAsync(key, load, version, mine);
        return shared.WaitAsync(ct);
    }

    private async Task LoadAndCacheAsync(string key, Func<CancellationToken, Task<TValue?>> load, long version, TaskCompletionSource<TValue?> mine)
    {
        TValue? value = null;
        Exception? error = null;
        try
        {
            // On the pool, not the caller's thread: the SDK's first call does its set-up synchronously before its
            // first await, and the caller (a function's init, or a decision starting two reads at once) goes on
            // meanwhile. The load is registered already, so whoever misses next joins it.
            await Task.Yield();
            value = await load(CancellationToken.None).ConfigureAwait(false);
            Set(key, value, version);
        }
        catch (Exception e)
        {
            error = e;
        }
        lock (_gate)
            if (_loading.TryGetValue(key, out var current) && current == mine.Task) _loading.Remove(key);
        if (error is null) mine.SetResult(value);
        else mine.SetException(error);
    }

    public void Invalidate(string key)
    {
        lock (_gate)
        {
            _version++;
            _entries.TryRemove(key, out _);
            _loading.Remove(key); // a caller after the change must not join a load that began before it
        }
    }
}
