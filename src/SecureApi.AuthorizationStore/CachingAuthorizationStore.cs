namespace SecureApi.AuthorizationStore;

/// <summary>
/// Short in-process cache in front of a store for the per-request lookups: principal by id, usable credential by
/// hash, route policy. Found and not-found answers are both cached for <c>ttl</c>, so a change made elsewhere
/// (another instance, the admin API of another process) is seen within ttl; writes through this instance
/// invalidate at once. Failures are never cached. A cached credential is re-checked for expiry on every hit.
/// </summary>
public sealed class CachingAuthorizationStore : IAuthorizationStore, IDisposable
{
    public const int MaxEntriesPerCache = 10_000;
    private const string RoutePolicyKey = "";

    private readonly IAuthorizationStore _inner;
    private readonly TimeProvider _time;
    private readonly ExpiringCache<PrincipalRecord> _principals;
    private readonly ExpiringCache<CredentialRecord> _credentials;
    private readonly ExpiringCache<RouteRules> _routes;

    public CachingAuthorizationStore(IAuthorizationStore inner, TimeSpan ttl, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        _inner = inner;
        _time = time;
        _principals = new(time, ttl, MaxEntriesPerCache);
        _credentials = new(time, ttl, MaxEntriesPerCache);
        _routes = new(time, ttl, 1);
    }

    /// <summary>The store behind the cache.</summary>
    public IAuthorizationStore Inner => _inner;

    public Task<PrincipalRecord?> GetPrincipalAsync(string principalId, CancellationToken cancellationToken = default) =>
        CachedAsync(_principals, StoreInput.Id(principalId, nameof(principalId)), ct => _inner.GetPrincipalAsync(principalId, ct), cancellationToken);

    public async Task<CredentialRecord?> FindUsableCredentialByHashAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var hash = StoreInput.Sha256(sha256, nameof(sha256));
        var found = await CachedAsync(_credentials, hash, ct => _inner.FindUsableCredentialByHashAsync(hash, ct), cancellationToken).ConfigureAwait(false);
        return found is not null && found.IsUsableAt(_time.GetUtcNow()) ? found : null;
    }

    public Task<RouteRules?> GetRoutePolicyAsync(CancellationToken cancellationToken = default) =>
        CachedAsync(_routes, RoutePolicyKey, _inner.GetRoutePolicyAsync, cancellationToken);

    public async Task<PutPrincipalResult> PutPrincipalAsync(PrincipalChange principal, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var id = StoreInput.Id(principal.Id, "principalId");
        try
        {
            return await _inner.PutPrincipalAsync(principal, actor, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Also after a failure: a timed-out write may still have happened.
            _principals.Invalidate(id);
        }
    }

    public async Task<CreateCredentialOutcome> CreateCredentialAsync(NewCredential credential, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var hash = StoreInput.Sha256(credential.Sha256);
        try
        {
            return await _inner.CreateCredentialAsync(credential, actor, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _credentials.Invalidate(hash);
        }
    }

    public async Task<CredentialRecord?> RevokeCredentialAsync(string keyId, string actor, CancellationToken cancellationToken = default)
    {
        var revoked = await _inner.RevokeCredentialAsync(keyId, actor, cancellationToken).ConfigureAwait(false);
        if (revoked is not null) _credentials.Invalidate(revoked.Sha256);
        return revoked;
    }

    public async Task PutRoutePolicyAsync(RouteRules routes, string actor, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.PutRoutePolicyAsync(routes, actor, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _routes.Invalidate(RoutePolicyKey);
        }
    }

    /// <summary>Disposes the inner store when it is disposable (the factory's DynamoDB store owns its client).</summary>
    public void Dispose() => (_inner as IDisposable)?.Dispose();

    // Admin reads go straight through: they must show the stored truth.
    public Task<CredentialRecord?> GetCredentialAsync(string keyId, CancellationToken cancellationToken = default) =>
        _inner.GetCredentialAsync(keyId, cancellationToken);

    public Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(string principalId, CancellationToken cancellationToken = default) =>
        _inner.ListCredentialsAsync(principalId, cancellationToken);

    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsAsync(DateOnly dayUtc, int limit, CancellationToken cancellationToken = default) =>
        _inner.ListAuditRecordsAsync(dayUtc, limit, cancellationToken);

    private static async Task<T?> CachedAsync<T>(ExpiringCache<T> cache, string key, Func<CancellationToken, Task<T?>> load, CancellationToken ct)
        where T : class
    {
        if (cache.TryGet(key, out var hit)) return hit;
        var version = cache.Version;
        var value = await load(ct).ConfigureAwait(false);
        cache.Set(key, value, version);
        return value;
    }
}
