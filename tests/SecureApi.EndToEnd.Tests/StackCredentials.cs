using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// Credentials minted for one run and the function configuration that trusts them, set as the template sets it:
/// environment variables TokenAuthorizer__* (a static JWKS of the test's own keys) and RequestAuthorizer__*
/// (SHA-256 hashes of the test's API keys and header values, as the SSM parameters hold them).
/// </summary>
public sealed class StackCredentials : IDisposable
{
    public TokenFactory Tokens { get; } = new();

    /// <summary>A fresh API key (role admin) and X-Custom-Auth value (role admin) per run; only their hashes are configured.</summary>
    public string ApiKey { get; } = "e2e-key-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    public string HeaderValue { get; } = "e2e-header-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Callers from this range are admitted by the REQUEST authorizer's IP rule.</summary>
    public const string AllowedCidr = "10.20.0.0/16";

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> FunctionConfiguration() =>
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["TokenAuthorizer"] = new Dictionary<string, string>
            {
                ["TokenAuthorizer__Issuer"] = Tokens.Issuer,
                ["TokenAuthorizer__Audiences"] = Tokens.Audience,
                ["TokenAuthorizer__Jwks"] = Tokens.Jwks(),
            },
            ["RequestAuthorizer"] = new Dictionary<string, string>
            {
                ["RequestAuthorizer__ApiKeys"] = CredentialList((ApiKey, "api-key-user", "admin", "read,write")),
                ["RequestAuthorizer__CustomHeaderValues"] = CredentialList((HeaderValue, "custom-user", "admin", "read")),
                ["RequestAuthorizer__AllowedCidrs"] = AllowedCidr,
                ["RequestAuthorizer__IpRole"] = "admin",
                ["RequestAuthorizer__IpPermissions"] = "read,write,delete",
            },
            ["SecureApi"] = new Dictionary<string, string>(),
        };

    /// <summary>Lowercase hex SHA-256 of the UTF-8 value: `printf %s 'value' | sha256sum`.</summary>
    public static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static string CredentialList(params (string Secret, string PrincipalId, string? Role, string? Permissions)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var (secret, principalId, role, permissions) in entries)
            {
                json.WriteStartObject();
                json.WriteString("sha256", Sha256Hex(secret));
                json.WriteString("principalId", principalId);
                if (role is not null) json.WriteString("role", role);
                if (permissions is not null) json.WriteString("permissions", permissions);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public void Dispose() => Tokens.Dispose();
}
