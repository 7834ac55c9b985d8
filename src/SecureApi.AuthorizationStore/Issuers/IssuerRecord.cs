using SecureApi.AuthorizationStore.Registries;

namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>
/// One run-time entry of the issuer registry (docs/identity-providers.md#run-time-registry): the fields of a
/// configured issuer (TokenAuthorizer__Issuers__N__…), stored as given. The store checks the name only; the full
/// rules live with the configured issuers (TokenIssuerOptions.Validate), which callers apply before writing.
/// </summary>
public sealed record IssuerEntry : IRegistryEntry
{
    public required string Name { get; init; }
    public string? Issuer { get; init; }
    public IReadOnlyList<string> Audiences { get; init; } = [];
    public string? AudienceClaim { get; init; }
    public string? RequiredTokenType { get; init; }
    public string? RequiredTokenUse { get; init; }
    public string? MetadataAddress { get; init; }
    public string? JwksUri { get; init; }
    public string? Jwks { get; init; }
    public string Profile { get; init; } = IssuerProfileNames.Generic;
    public IReadOnlyList<string>? RoleClaims { get; init; }
    public IReadOnlyList<string>? PermissionClaims { get; init; }
    public IReadOnlyList<string> TenantIds { get; init; } = [];
    public IReadOnlyList<string> HostedDomains { get; init; } = [];
    public IReadOnlyList<string>? StepUpAmr { get; init; }
    public IReadOnlyList<string>? StepUpAcrs { get; init; }
}

/// <summary>A stored entry with its first and last write times.</summary>
public sealed record IssuerRecord(IssuerEntry Entry, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt) : IRegistryRecord<IssuerEntry>;

public sealed record PutIssuerResult(IssuerRecord Issuer, bool Created);
