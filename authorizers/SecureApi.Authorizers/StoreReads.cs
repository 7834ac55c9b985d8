using SecureApi.AuthorizationStore;

namespace SecureApi.Authorizers;

/// <summary>
/// The authorizers' reads of the authorization store (docs/authorization-store.md, "Who reads what"). Every
/// failure surfaces as an exception the caller turns into Unauthorized: a store error never becomes "not found"
/// and never Allow.
/// </summary>
internal static class StoreReads
{
    /// <summary>The route table of the store, else <paramref name="seed"/> (no store, or none stored yet).</summary>
    public static async ValueTask<RouteRules> RoutesAsync(IAuthorizationStore? store, RouteRules seed, CancellationToken ct) =>
        store is null ? seed : await store.GetRouteRulesAsync(ct).ConfigureAwait(false) ?? seed;

    /// <summary>
    /// The principal record for a token subject, or null when none can exist (no store, or a subject the store
    /// cannot hold as an id, see <see cref="PrincipalIds"/>).
    /// </summary>
    public static Task<PrincipalRecord?> PrincipalForSubjectAsync(IAuthorizationStore? store, string subject, CancellationToken ct) =>
        store is null || !PrincipalIds.IsValid(subject) ? Task.FromResult<PrincipalRecord?>(null) : store.GetPrincipalAsync(subject, ct);
}
