namespace SecureApi.AuthorizationStore.Tests;

/// <summary>
/// A store that fails every call while <see cref="Down"/> is true, holds every answer until <see cref="Held"/>
/// completes (when set: the answer is what the store held when called, delivered late), and counts the calls.
/// </summary>
internal sealed class FlakyStore(IAuthorizationStore inner) : IAuthorizationStore
{
    private int _calls;

    public bool Down { get; set; }
    public Task? Held { get; set; }
    public int Calls => Volatile.Read(ref _calls);

    private async Task<T> Pass<T>(Func<Task<T>> call)
    {
        Interlocked.Increment(ref _calls);
        var answer = Down ? Task.FromException<T>(new AuthorizationStoreUnavailableException("down")) : call();
        if (Held is { } held) await held;
        return await answer;
    }

    public Task<PrincipalRecord?> GetPrincipalAsync(string principalId, CancellationToken cancellationToken = default) => Pass(() => inner.GetPrincipalAsync(principalId, cancellationToken));
    public Task<PutPrincipalResult> PutPrincipalAsync(PrincipalChange principal, AuditActor actor, CancellationToken cancellationToken = default) => Pass(() => inner.PutPrincipalAsync(principal, actor, cancellationToken));
    public Task<CreateCredentialOutcome> CreateCredentialAsync(NewCredential credential, AuditActor actor, CancellationToken cancellationToken = default) => Pass(() => inner.CreateCredentialAsync(credential, actor, cancellationToken));
    public Task<CredentialRecord?> FindUsableCredentialByHashAsync(string sha256, CancellationToken cancellationToken = default) => Pass(() => inner.FindUsableCredentialByHashAsync(sha256, cancellationToken));
    public Task<CredentialRecord?> GetCredentialAsync(string keyId, CancellationToken cancellationToken = default) => Pass(() => inner.GetCredentialAsync(keyId, cancellationToken));
    public Task<IReadOnlyList<CredentialRecord>> ListCredentialsAsync(string principalId, CancellationToken cancellationToken = default) => Pass(() => inner.ListCredentialsAsync(principalId, cancellationToken));
    public Task<CredentialRecord?> RevokeCredentialAsync(string keyId, AuditActor actor, CancellationToken cancellationToken = default) => Pass(() => inner.RevokeCredentialAsync(keyId, actor, cancellationToken));
    public Task<RouteRules?> GetRouteRulesAsync(CancellationToken cancellationToken = default) => Pass(() => inner.GetRouteRulesAsync(cancellationToken));
    public Task PutRouteRulesAsync(RouteRules routes, AuditActor actor, CancellationToken cancellationToken = default) => Pass(async () => { await inner.PutRouteRulesAsync(routes, actor, cancellationToken); return true; });
    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsAsync(DateOnly dayUtc, int limit, CancellationToken cancellationToken = default) => Pass(() => inner.ListAuditRecordsAsync(dayUtc, limit, cancellationToken));
    public Task<IReadOnlyList<AuditRecord>> ListAuditRecordsOfPrincipalAsync(string principalId, int limit, CancellationToken cancellationToken = default) => Pass(() => inner.ListAuditRecordsOfPrincipalAsync(principalId, limit, cancellationToken));
}
