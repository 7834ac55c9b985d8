namespace SecureApi.AuthorizationStore;

/// <summary>
/// A stored credential: an API key or X-Custom-Auth value known only by the SHA-256 (lower-case hex) of its UTF-8
/// bytes. Kind is <see cref="AuthTypes.ApiKey"/> or <see cref="AuthTypes.CustomHeader"/>.
/// </summary>
public sealed record CredentialRecord(
    string KeyId,
    string Kind,
    string PrincipalId,
    string Sha256,
    CredentialStatus Status,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    string? Description,
    DateTimeOffset? RevokedAt = null)
{
    /// <summary>
    /// Active and not expired at <paramref name="now"/>. Expired items linger until DynamoDB TTL deletes them (up to
    /// days later), so every use must check this; <see cref="IAuthorizationStore.FindUsableCredentialByHashAsync"/>
    /// already does.
    /// </summary>
    public bool IsUsableAt(DateTimeOffset now) =>
        Status == CredentialStatus.Active && (ExpiresAt is not { } expiry || now < expiry);
}

public enum CredentialStatus
{
    Active,
    Revoked,
}

/// <summary>What <see cref="IAuthorizationStore.CreateCredentialAsync"/> writes; the store stamps CreatedAt.</summary>
public sealed record NewCredential(
    string KeyId,
    string Kind,
    string PrincipalId,
    string Sha256,
    DateTimeOffset? ExpiresAt = null,
    string? Description = null);

/// <summary>The result of a conditional credential create; anything but Created means nothing was written.</summary>
public enum CreateCredentialOutcome
{
    Created,
    /// <summary>A credential (any status, until TTL removes it) already has this hash.</summary>
    DuplicateHash,
    DuplicateKeyId,
    UnknownPrincipal,
}
