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
/// <remarks><see cref="Plan"/>: the principal's own rate-limit plan fields (null or empty: the default plan).</remarks>
public sealed record PrincipalChange(string Id, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions, bool Disabled = false,
    RateLimits.RatePlanOverride? Plan = null);

/// <summary>The principal as stored, and whether the put created it (false: replaced an existing one).</summary>
public sealed record PutPrincipalResult(PrincipalRecord Principal, bool Created);
