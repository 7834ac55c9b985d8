using System.Collections.Concurrent;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.LocalGateway;

/// <summary>
/// API Gateway's authorizer result cache: per authorizer, keyed on the identity source values, holding the
/// returned policy and context for the route's TTL. A cached policy is re-evaluated against each request's own
/// methodArn (<see cref="CachedAuthorizerAnswer"/> remembers each outcome). Only successful responses are cached.
/// Time comes from <see cref="TimeProvider"/> so tests can advance it.
/// </summary>
public sealed class AuthorizerResultCache(TimeProvider time, int maxEntries = 10_000)
{
    // Per authorizer, then by key: a key is a whole token (hundreds of characters), hashed once per lookup as a
    // string rather than inside a (name, key) tuple.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, CachedAuthorizerAnswer>> _entries = new(StringComparer.Ordinal);

    public bool TryGet(AuthorizerDefinition route, string key, out CachedAuthorizerAnswer answer)
    {
        answer = null!;
        if (!route.CachingEnabled || !_entries.TryGetValue(route.Name, out var entries) || !entries.TryGetValue(key, out var entry)) return false;
        if (time.GetUtcNow() >= entry.ExpiresAt)
        {
            entries.TryRemove(new KeyValuePair<string, CachedAuthorizerAnswer>(key, entry));
            return false;
        }
        answer = entry;
        return true;
    }

    public void Set(AuthorizerDefinition route, string key, APIGatewayCustomAuthorizerResponse response)
    {
        if (!route.CachingEnabled) return;
        // A crude bound: a flood of distinct tokens must not grow memory without limit.
        if (Count() >= maxEntries) Clear();
        var now = time.GetUtcNow();
        var entries = _entries.GetOrAdd(route.Name, static _ => new ConcurrentDictionary<string, CachedAuthorizerAnswer>(StringComparer.Ordinal));
        entries[key] = new CachedAuthorizerAnswer(response, now, now + route.ResultTtl);
    }

    public void Clear() => _entries.Clear();

    private int Count()
    {
        var count = 0;
        foreach (var (_, entries) in _entries) count += entries.Count;
        return count;
    }
}
