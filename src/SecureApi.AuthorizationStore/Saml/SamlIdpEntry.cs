using SecureApi.AuthorizationStore.Registries;

namespace SecureApi.AuthorizationStore.Saml;

/// <summary>
/// One run-time entry of the SAML IdP registry (docs/saml.md#run-time-registry): the fields of a configured IdP
/// (Saml__IdentityProviders__N__…), stored as given — the certificates as PEM (public), or the IdP's metadata. The
/// store checks the name only; <see cref="SamlIdpRules"/> holds the rest, which callers apply before writing.
/// </summary>
public sealed record SamlIdpEntry : IRegistryEntry
{
    public required string Name { get; init; }
    public string? EntityId { get; init; }
    /// <summary>PEM, one certificate each (a rotation holds two).</summary>
    public IReadOnlyList<string> SigningCertificates { get; init; } = [];
    public string? MetadataXml { get; init; }
    public string? RoleAttribute { get; init; }
    public string? PermissionAttribute { get; init; }
    /// <summary>Role attribute value → role name.</summary>
    public IReadOnlyDictionary<string, string> RoleMap { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>A stored entry with its first and last write times.</summary>
public sealed record SamlIdpRecord(SamlIdpEntry Entry, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt) : IRegistryRecord<SamlIdpEntry>;

public sealed record PutSamlIdpResult(SamlIdpRecord Idp, bool Created);
