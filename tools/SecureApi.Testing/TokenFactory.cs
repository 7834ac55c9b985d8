using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace SecureApi.Testing;

/// <summary>
/// Mints JWTs with keys generated per instance (RSA 2048 "rsa-1", EC P-256 "ec-1"), including deliberately broken
/// ones: any header (alg, kid, jku, x5u, jwk, crit), any payload, any signing key. Test support only — tokens
/// are assembled here so attacks can be expressed; validation is always Microsoft.IdentityModel's job.
/// </summary>
public sealed class TokenFactory : IDisposable
{
    public const string DefaultIssuer = "https://issuer.example.test/";
    public const string DefaultAudience = "secure-api";

    public TokenFactory(string issuer = DefaultIssuer, string audience = DefaultAudience)
    {
        Issuer = issuer;
        Audience = audience;
    }

    public string Issuer { get; }
    public string Audience { get; }
    public RSA Rsa { get; } = RSA.Create(2048);
    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public string RsaKid { get; } = "rsa-1";
    public string EcKid { get; } = "ec-1";

    /// <summary>Standard valid claims: iss, aud, sub, iat, nbf, exp (+1 h), scope "read".</summary>
    public Dictionary<string, object?> Claims(string sub = "user-1", string? scope = "read", object? role = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = sub, ["iat"] = now, ["nbf"] = now - 5, ["exp"] = now + 3600,
        };
        if (scope is not null) claims["scope"] = scope;
        if (role is not null) claims["role"] = role;
        return claims;
    }

    /// <summary>A token signed by this factory's RSA (RS*/PS*) or EC (ES*) key, with kid set to match.</summary>
    public string Create(Dictionary<string, object?>? claims = null, string alg = "RS256", Dictionary<string, object?>? extraHeader = null)
    {
        var isEc = alg.StartsWith("ES", StringComparison.Ordinal);
        var header = new Dictionary<string, object?> { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = isEc ? EcKid : RsaKid };
        foreach (var (k, v) in extraHeader ?? []) header[k] = v;
        return isEc ? Sign(header, claims ?? Claims(), Ec) : Sign(header, claims ?? Claims(), Rsa);
    }

    /// <summary>The public JWKS of this factory's keys (RSA always; EC unless excluded).</summary>
    public string Jwks(bool includeEc = true, params AsymmetricAlgorithm[] extraKeys)
    {
        var keys = new List<(AsymmetricAlgorithm Key, string Kid)> { (Rsa, RsaKid) };
        if (includeEc) keys.Add((Ec, EcKid));
        for (var i = 0; i < extraKeys.Length; i++) keys.Add((extraKeys[i], "extra-" + i));
        return JwksOf(keys.ToArray());
    }

    public static string JwksOf(params (AsymmetricAlgorithm Key, string Kid)[] keys)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("keys");
            foreach (var (key, kid) in keys) WriteJwk(json, key, kid);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void WriteJwk(Utf8JsonWriter json, AsymmetricAlgorithm key, string kid)
    {
        json.WriteStartObject();
        json.WriteString("kid", kid);
        json.WriteString("use", "sig");
        if (key is RSA rsa)
        {
            var p = rsa.ExportParameters(false);
            json.WriteString("kty", "RSA");
            json.WriteString("n", Base64UrlEncoder.Encode(p.Modulus!));
            json.WriteString("e", Base64UrlEncoder.Encode(p.Exponent!));
        }
        else if (key is ECDsa ec)
        {
            var p = ec.ExportParameters(false);
            json.WriteString("kty", "EC");
            json.WriteString("crv", "P-256");
            json.WriteString("x", Base64UrlEncoder.Encode(p.Q.X!));
            json.WriteString("y", Base64UrlEncoder.Encode(p.Q.Y!));
        }
        json.WriteEndObject();
    }

    /// <summary>Signs header.payload with the given key according to header["alg"] (RS*, PS*, ES*, HS*).</summary>
    public static string Sign(Dictionary<string, object?> header, Dictionary<string, object?> payload, object key)
    {
        var signingInput = Encode(header) + "." + Encode(payload);
        var alg = (string)header["alg"]!;
        var data = Encoding.ASCII.GetBytes(signingInput);
        var hash = alg[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            "512" => HashAlgorithmName.SHA512,
            _ => throw new ArgumentException($"Unsupported alg {alg}"),
        };
        byte[] signature = (alg[..2], key) switch
        {
            ("RS", RSA rsa) => rsa.SignData(data, hash, RSASignaturePadding.Pkcs1),
            ("PS", RSA rsa) => rsa.SignData(data, hash, RSASignaturePadding.Pss),
            ("ES", ECDsa ec) => ec.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            ("HS", byte[] secret) => alg switch
            {
                "HS256" => HMACSHA256.HashData(secret, data),
                "HS384" => HMACSHA384.HashData(secret, data),
                _ => HMACSHA512.HashData(secret, data),
            },
            _ => throw new ArgumentException($"Key {key.GetType().Name} cannot sign {alg}"),
        };
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>header.payload. with an empty signature (alg none style), or any raw assembly.</summary>
    public static string Unsigned(Dictionary<string, object?> header, Dictionary<string, object?> payload) =>
        Encode(header) + "." + Encode(payload) + ".";

    public static string Encode(Dictionary<string, object?> values)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteObject(json, values);
        }
        return Base64UrlEncoder.Encode(buffer.ToArray());
    }

    private static void WriteObject(Utf8JsonWriter json, IDictionary<string, object?> values)
    {
        json.WriteStartObject();
        foreach (var (k, v) in values)
        {
            json.WritePropertyName(k);
            WriteValue(json, v);
        }
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, object? v)
    {
        switch (v)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case long l: json.WriteNumberValue(l); break;
            case int i: json.WriteNumberValue(i); break;
            case bool b: json.WriteBooleanValue(b); break;
            case IDictionary<string, object?> d: WriteObject(json, d); break;
            case System.Collections.IEnumerable e:
                json.WriteStartArray();
                foreach (var item in e) WriteValue(json, item);
                json.WriteEndArray();
                break;
            default: throw new ArgumentException($"Unsupported claim value type {v.GetType().Name}");
        }
    }

    public void Dispose()
    {
        Rsa.Dispose();
        Ec.Dispose();
    }
}
