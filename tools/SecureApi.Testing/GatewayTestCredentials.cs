using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SecureApi.Testing;

/// <summary>
/// Real credentials minted for one test run, plus the authorizer configuration that accepts them: an RSA key
/// published as a static JWKS, signed JWTs (user, admin, no-read, expired, wrong audience, wrong signature),
/// random API keys and custom header values whose SHA-256 hashes go into configuration, and an allowlisted CIDR.
/// The same object feeds the in-process gateway (configuration) and published authorizer functions (environment).
/// </summary>
public sealed class GatewayTestCredentials
{
    public const string Issuer = "https://issuer.secureapi.test/";
    public const string Audience = "secureapi-tests";
    public const string AllowedCidr = "203.0.113.0/24";
    public const string AllowlistedIp = "203.0.113.7";
    /// <summary>The source IP of every case that does not name one: not in the allowlist.</summary>
    public const string DefaultSourceIp = "198.51.100.10";

    public string UserToken { get; }
    public string AdminToken { get; }
    public string NoReadToken { get; }
    /// <summary>Valid for two minutes: expires while API Gateway's 300 s TOKEN cache still holds its Allow.</summary>
    public string ShortLivedToken { get; }
    public string ExpiredToken { get; }
    public string WrongAudienceToken { get; }
    public string WrongSignatureToken { get; }
    public string Jwks { get; }

    private readonly SecurityKey _signingKey;
    private readonly DateTime _now;

    public string AdminApiKey { get; } = "test-admin-key-" + RandomHex();
    public string UserApiKey { get; } = "test-user-key-" + RandomHex();
    public string WrongApiKey { get; } = "test-wrong-key-" + RandomHex();
    public string CustomHeaderValue { get; } = "test-custom-auth-" + RandomHex();
    public string WrongCustomHeaderValue { get; } = "test-wrong-custom-auth-" + RandomHex();

    // The two RSA-2048 key pairs are made once per test process, not per instance: generating them was most of each
    // test host's set-up. Each instance still has its own kid, tokens, keys and header values.
    private static readonly Lazy<(RSAParameters Signing, RSAParameters Other)> KeyPairs = new(() =>
    {
        using var signing = RSA.Create(2048);
        using var other = RSA.Create(2048);
        return (signing.ExportParameters(true), other.ExportParameters(true));
    });

    public GatewayTestCredentials(TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var kid = "test-" + RandomHex()[..8];
        var (signing, other) = KeyPairs.Value;
        var key = new RsaSecurityKey(signing) { KeyId = kid };
        var otherKey = new RsaSecurityKey(other) { KeyId = kid }; // same kid, different key
        Jwks = ToJwks(new RSAParameters { Modulus = signing.Modulus, Exponent = signing.Exponent }, kid);
        _signingKey = key;
        _now = now;

        UserToken = Mint(key, "test-user", "user", "read", Audience, now.AddMinutes(-1), now.AddMinutes(30));
        AdminToken = Mint(key, "test-admin", "admin", "read,write,delete", Audience, now.AddMinutes(-1), now.AddMinutes(30));
        NoReadToken = Mint(key, "test-writer", "user", "write", Audience, now.AddMinutes(-1), now.AddMinutes(30));
        ShortLivedToken = Mint(key, "test-user", "user", "read", Audience, now.AddMinutes(-1), now.AddMinutes(2));
        ExpiredToken = Mint(key, "test-user", "user", "read", Audience, now.AddMinutes(-30), now.AddMinutes(-10));
        WrongAudienceToken = Mint(key, "test-user", "user", "read", "some-other-api", now.AddMinutes(-1), now.AddMinutes(30));
        WrongSignatureToken = Mint(otherKey, "test-admin", "admin", "read,write,delete", Audience, now.AddMinutes(-1), now.AddMinutes(30));
    }

    /// <summary>
    /// A valid token (same issuer, audience and signing key as <see cref="UserToken"/>, valid for 30 minutes) for any
    /// subject: for tests that need a principal of their own, e.g. one they disable in the authorization store.
    /// </summary>
    public string MintToken(string subject, string role = "user", string permissions = "read") =>
        Mint(_signingKey, subject, role, permissions, Audience, _now.AddMinutes(-1), _now.AddMinutes(30));

    /// <summary>As <see cref="MintToken(string, string, string)"/>, valid from <paramref name="notBefore"/> until
    /// <paramref name="expires"/> (a test whose app clock is far from the system clock the token handler checks).</summary>
    public string MintToken(string subject, DateTimeOffset notBefore, DateTimeOffset expires) =>
        Mint(_signingKey, subject, "user", "read", Audience, notBefore.UtcDateTime, expires.UtcDateTime);

    /// <summary>As <see cref="MintToken(string, string, string)"/>, with extra payload claims (e.g. amr and auth_time for step-up tests).</summary>
    public string MintToken(string subject, IReadOnlyDictionary<string, object> extraClaims, string role = "user", string permissions = "read")
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = role, ["permissions"] = permissions.Split(',') };
        foreach (var (name, value) in extraClaims) claims[name] = value;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = _now.AddMinutes(-1),
            NotBefore = _now.AddMinutes(-1),
            Expires = _now.AddMinutes(30),
            Claims = claims,
            SigningCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>Configuration for the local gateway (in-memory configuration, ':' separators).</summary>
    public IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["TokenAuthorizer:Issuer"] = Issuer,
        ["TokenAuthorizer:Audiences"] = Audience,
        ["TokenAuthorizer:Jwks"] = Jwks,
        ["RequestAuthorizer:ApiKeys"] = ApiKeysJson,
        ["RequestAuthorizer:CustomHeaderValues"] = CustomHeaderValuesJson,
        ["RequestAuthorizer:AllowedCidrs"] = AllowedCidr,
        ["RequestAuthorizer:IpPrincipalId"] = "internal-user",
        ["RequestAuthorizer:IpRole"] = "admin",
        ["RequestAuthorizer:IpPermissions"] = "read,write,delete",
    };

    /// <summary>The same settings as environment variables for published authorizer functions ("__" separators).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables =>
        Configuration.Where(p => p.Value is not null).ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value!);

    public string ApiKeysJson => CredentialsJson(
        (AdminApiKey, "api-key-user", "admin", "read,write"),
        (UserApiKey, "api-key-reader", "user", "read"));

    public string CustomHeaderValuesJson => CredentialsJson((CustomHeaderValue, "custom-user", "admin", "read"));

    public static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static string CredentialsJson(params (string Secret, string PrincipalId, string Role, string Permissions)[] entries)
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
                json.WriteString("role", role);
                json.WriteString("permissions", permissions);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Mint(SecurityKey key, string subject, string role, string permissions, string audience, DateTime notBefore, DateTime expires) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            // permissions as a JSON array: a string claim value is one permission (see docs/identity-providers.md).
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = role, ["permissions"] = permissions.Split(',') },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

    private static string ToJwks(RSAParameters publicKey, string kid)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("keys");
            json.WriteStartObject();
            json.WriteString("kty", "RSA");
            json.WriteString("use", "sig");
            json.WriteString("alg", "RS256");
            json.WriteString("kid", kid);
            json.WriteString("n", Base64UrlEncoder.Encode(publicKey.Modulus));
            json.WriteString("e", Base64UrlEncoder.Encode(publicKey.Exponent));
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string RandomHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
