using System.Security.Cryptography;
using System.Text;

namespace SecureApi.AuthorizationStore;

/// <summary>
/// The form a secret is kept and compared in: the lower-case hex SHA-256 of its UTF-8 bytes — a stored key's hash
/// (the REQUEST authorizer computes the same digest on its hot path), a bearer token's step-up window id. Never the
/// secret itself.
/// </summary>
public static class CredentialHash
{
    public static string Of(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }
}
