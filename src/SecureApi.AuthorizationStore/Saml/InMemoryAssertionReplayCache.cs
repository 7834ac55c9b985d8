namespace SecureApi.AuthorizationStore.Saml;

/// <summary>One process's replay cache (`dotnet run`, tests): entries are dropped once their assertion has expired.</summary>
public sealed class InMemoryAssertionReplayCache(TimeProvider time) : IAssertionReplayCache
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    public Task<bool> TryUseAsync(string issuer, string assertionId, DateTimeOffset keepUntil, CancellationToken cancellationToken = default)
    {
        var key = AssertionKey.Of(issuer, assertionId);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_used.Count > 1024)
            {
                foreach (var expired in _used.Where(e => e.Value <= now).Select(e => e.Key).ToList()) _used.Remove(expired);
            }
            if (_used.TryGetValue(key, out var until) && until > now) return Task.FromResult(false);
            _used[key] = keepUntil;
            return Task.FromResult(true);
        }
    }
}
