namespace SecureApi.AuthorizationStore;

/// <summary>A stored principal: who a credential or token maps to, and what it may do.</summary>
public sealed record PrincipalRecord(
    string Id,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Permissions,
    bool Disabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    RateLimits.RatePlanOverride? Plan = null)
{
    /// <summary>True when requests may act as this principal (not disabled).</summary>
    public bool IsEnabled => !Disabled;
}

/// <summary>The caller-controlled part of a principal, as written by <see cref="IAuthorizationStore.PutPrincipalAsync"/>.</summary>
/// <remarks><see cref="Plan"/>: the principal's own rate-limit plan fields (null or empty: the default plan).
/// <see cref="KeepStoredPlan"/>: ignore <see cref="Plan"/> and keep the stored one (a PUT body without "plan"),
/// decided inside the same conditional write, so a concurrent plan change is never lost.</remarks>
public sealed record PrincipalChange(string Id, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions, bool Disabled = false,
    RateLimits.RatePlanOverride? Plan = null, bool KeepStoredPlan = false);

/// <summary>The principal as stored, and whether the put created it (false: replaced an existing one).</summary>
public sealed record PutPrincipalResult(PrincipalRecord Principal, bool Created);

/// <summary>
/// The principal overlay (docs/authorization-store.md), the same in both authorizers and the API's route check: a
/// stored record *replaces* the roles and permissions the caller's credential or context carries (so an admin can
/// take rights away, not only add); a disabled record refuses; no record leaves the carried ones in force.
/// </summary>
public static class PrincipalOverlay
{
    /// <returns>The roles and permissions in force, or null when the stored principal is disabled (→ 401).</returns>
    public static (IReadOnlyCollection<string> Roles, IReadOnlyCollection<string> Permissions)? Apply(
        PrincipalRecord? stored, IReadOnlyCollection<string> carriedRoles, IReadOnlyCollection<string> carriedPermissions) =>
        Apply(stored, (carriedRoles, carriedPermissions), static carried => carried);

    /// <summary>As above, reading the carried roles and permissions only when no record is stored (the API's route
    /// check would otherwise copy them out of the claims on every request, to throw them away whenever a record exists).</summary>
    public static (IReadOnlyCollection<string> Roles, IReadOnlyCollection<string> Permissions)? Apply<TCarrier>(
        PrincipalRecord? stored, TCarrier carrier, Func<TCarrier, (IReadOnlyCollection<string> Roles, IReadOnlyCollection<string> Permissions)> carried) =>
        stored is null ? carried(carrier)
        : stored.Disabled ? null
        : (stored.Roles, stored.Permissions);
}
