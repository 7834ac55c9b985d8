namespace SecureApi.AuthorizationStore;

/// <summary>
/// Short in-process cache in front of a store for the per-request lookups: principal by id, usable credential by
/// hash, route table. Found and not-found answers are both cached for <c>ttl</c>, so a change made elsewhere
/// (another instance, the admin API of another process) is seen within ttl; writes through this instance
/// invalidate at once. Failures are never cached. A cached credential is re-checked for expiry on every hit.
/// </summary>
public sealed class CachingAuthorizationStore : IAuthorizationStore, IDisposable
{
    public const int MaxEntriesPerCache = 10_000;
    private const string RouteRulesKey = "";

    private static readonly Task<CredentialRecord?> NoCredential = Task.FromResult<CredentialRecord?>(null);

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

    /// <summary>
    /// The store without this cache in front (<paramref name="store"/> itself when it has none): for reads that must
    /// show the stored truth, not a copy up to the cache's ttl old (admin reads: another instance may have written).
    /// </summary>
    public static IAuthorizationStore Uncached(IAuthorizationStore store) => store is CachingAuthorizationStore cached ? cached._inner : store;

    // The three per-request reads answer a hit synchronously (no closure, no state machine): they run on every
    // authorizer decision and every protected API request.
    public Task<PrincipalRecord?> GetPrincipalAsync(string principalId, CancellationToken cancellationToken = default)
    {
        var id = StoreInput.Id(principalId, nameof(principalId));
        return _principals.TryGet(id, out var hit)
            ? hit!
            : LoadAsync(_principals, id, ct => _inner.GetPrincipalAsync(id, ct), cancellationToken);
    }

    public Task<CredentialRecord?> FindUsableCredentialByHashAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var hash = StoreInput.Sha256(sha256, nameof(sha256));
        return _credentials.TryGet(hash, out var hit)
            ? (UsableNow(hit!.Result) is null ? NoCredential : hit)
            : LoadUsableAsync(hash, cancellationToken);
    }

    public Task<RouteRules?> GetRouteRulesAsync(CancellationToken cancellationToken = default) =>
        _routes.TryGet(RouteRulesKey, out var hit)
            ? hit!
            : LoadAsync(_routes, RouteRulesKey, _inner.GetRouteRulesAsync, cancellationToken);

    private async Task<CredentialRecord?> LoadUsableAsync(string hash, CancellationToken ct) =>
        UsableNow(await LoadAsync(_credentials, hash, c => _inner.FindUsableCredentialByHashAsync(hash, c), ct).ConfigureAwait(false));

    /// <summary>A cached credential can expire while cached: re-checked on every answer.</summary>
    private CredentialRecord? UsableNow(CredentialRecord? found) =>
        found is not null && found.IsUsableAt(_time.GetUtcNow()) ? found : null;

    public async Task<PutPrincipalResult> PutPrincipalAsync(PrincipalChange principal, AuditActor actor, CancellationToken cancellationToken = default)
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

    public async Task<CreateCredentialOutcome> CreateCredentialAsync(NewCredential credential, AuditActor actor, CancellationToken cancellationToken = default)
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

    public async Task<CredentialRecord?> RevokeCredentialAsync(string keyId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var revoked = await _inner.RevokeCredentialAsync(keyId, actor, cancellationToken).ConfigureAwait(false);
        if (revoked is not null) _credentials.Invalidate(revoked.Sha256);
        return revoked;
    }

    public async Task PutRouteRulesAsync(RouteRules routes, AuditActor actor, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.PutRouteRulesAsync(routes, actor, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _routes.Invalidate(RouteRulesKey);
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

    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsOfPrincipalAsync(string principalId, int limit, CancellationToken cancellationToken = default) =>
        _inner.ListAuditRecordsOfPrincipalAsync(principalId, limit, cancellationToken);

    /// <summary>
    /// A miss: reads through on a pool thread (one read per key however many callers miss at once; the caller's
    /// thread is not held by the SDK's synchronous first-call set-up) and caches the answer.
    /// </summary>
    private static Task<T?> LoadAsync<T>(ExpiringCache<T> cache, string key, Func<CancellationToken, Task<T?>> load, CancellationToken ct)
        where T : class =>
        cache.LoadOnceAsync(key, load, ct);
}
