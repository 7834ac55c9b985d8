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
    private readonly ConcurrentDictionary<(string Authorizer, string Key), CachedAuthorizerAnswer> _entries = new();

    public bool TryGet(AuthorizerDefinition route, string key, out CachedAuthorizerAnswer answer)
    {
        answer = null!;
        if (!route.CachingEnabled) return false;
        var fullKey = FullKey(route, key);
        if (!_entries.TryGetValue(fullKey, out var entry)) return false;
        if (time.GetUtcNow() >= entry.ExpiresAt)
        {
            _entries.TryRemove(new KeyValuePair<(string, string), CachedAuthorizerAnswer>(fullKey, entry));
            return false;
        }
        answer = entry;
        return true;
    }

    public void Set(AuthorizerDefinition route, string key, APIGatewayCustomAuthorizerResponse response)
    {
        if (!route.CachingEnabled) return;
        // A crude bound: a flood of distinct tokens must not grow memory without limit.
        if (_entries.Count >= maxEntries) _entries.Clear();
        var now = time.GetUtcNow();
        _entries[FullKey(route, key)] = new CachedAuthorizerAnswer(response, now, now + route.ResultTtl);
    }

    public void Clear() => _entries.Clear();

    private static (string, string) FullKey(AuthorizerDefinition authorizer, string key) => (authorizer.Name, key);
}
