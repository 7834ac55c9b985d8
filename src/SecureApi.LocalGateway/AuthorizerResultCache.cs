using System.Collections.Concurrent;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.LocalGateway;

/// <summary>
/// API Gateway's authorizer result cache: per authorizer, keyed on the identity source values, holding the
/// returned policy and context for the route's TTL. A cached policy is re-evaluated against each request's own
/// methodArn. Only successful responses are cached. Time comes from <see cref="TimeProvider"/> so tests can advance it.
/// </summary>
public sealed class AuthorizerResultCache(TimeProvider time, int maxEntries = 10_000)
{
    private readonly ConcurrentDictionary<(string Authorizer, string Key), Entry> _entries = new();

    private sealed record Entry(APIGatewayCustomAuthorizerResponse Response, DateTimeOffset StoredAt, DateTimeOffset ExpiresAt);

    public bool TryGet(AuthorizerDefinition route, string key, out APIGatewayCustomAuthorizerResponse response) =>
        TryGet(route, key, out response, out _);

    /// <param name="storedAt">When the answer was cached (the developer console shows its age).</param>
    public bool TryGet(AuthorizerDefinition route, string key, out APIGatewayCustomAuthorizerResponse response, out DateTimeOffset storedAt)
    {
        response = null!;
        storedAt = default;
        if (!route.CachingEnabled) return false;
        var fullKey = FullKey(route, key);
        if (!_entries.TryGetValue(fullKey, out var entry)) return false;
        if (time.GetUtcNow() >= entry.ExpiresAt)
        {
            _entries.TryRemove(new KeyValuePair<(string, string), Entry>(fullKey, entry));
            return false;
        }
        response = entry.Response;
        storedAt = entry.StoredAt;
        return true;
    }

    public void Set(AuthorizerDefinition route, string key, APIGatewayCustomAuthorizerResponse response)
    {
        if (!route.CachingEnabled) return;
        // A crude bound: a flood of distinct tokens must not grow memory without limit.
        if (_entries.Count >= maxEntries) _entries.Clear();
        var now = time.GetUtcNow();
        _entries[FullKey(route, key)] = new Entry(response, now, now + route.ResultTtl);
    }

    public void Clear() => _entries.Clear();

    private static (string, string) FullKey(AuthorizerDefinition authorizer, string key) => (authorizer.Name, key);
}
