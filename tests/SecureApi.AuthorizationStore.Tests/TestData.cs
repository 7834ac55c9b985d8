using System.Security.Cryptography;
using System.Text;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>Fresh ids and hashes per test, and a fixed clock start (in the future, so no real TTL ever fires).</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Start = new(2031, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static string Id(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    public static string Secret() => "sk_" + Guid.NewGuid().ToString("N");

    public static string Sha256(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static PrincipalChange Principal(string id, params string[] roles) => new(id, roles, ["read"]);

    public static NewCredential Key(string principalId, string? sha256 = null, string? keyId = null, DateTimeOffset? expiresAt = null) =>
        new(keyId ?? Id("key"), AuthTypes.ApiKey, principalId, sha256 ?? Sha256(Secret()), expiresAt, "test key");
}
