using System.Buffers.Text;
using System.Security.Cryptography;

namespace SecureApi.Admin;

/// <summary>
/// Secrets and key ids the server generates. A secret is <see cref="SecretPrefix"/> + base64url of 32 random bytes
/// (256 bits, 43 characters), so secret scanners can recognise a leaked one; it is stored only as the lower-case
/// hex SHA-256 of its UTF-8 bytes (AuthorizationStore.CredentialHash), the form the REQUEST authorizer compares.
/// </summary>
public static class AdminKeys
{
    public const string SecretPrefix = "sapi_";
    public const string KeyIdPrefix = "key_";
    public const int SecretBytes = 32;

    public static string NewSecret() => SecretPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>A one-use MFA enrollment ticket (StepUp/EnrollmentTickets): its own prefix, the same strength as a key.</summary>
    public static string NewEnrollmentTicket() => "sapi_et_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    public static string NewKeyId() => KeyIdPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));
}
