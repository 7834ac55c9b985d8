using System.Security.Cryptography;

namespace SecureApi.TokenService.Tokens;

/// <summary>Signs the minted tokens with RS256 and tells the public key the JWKS serves.</summary>
public interface ITokenSigner
{
    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 over <paramref name="signingInput"/> (the JWS "header.payload").</summary>
    Task<byte[]> SignAsync(byte[] signingInput, CancellationToken cancellationToken);

    /// <summary>The public key and its key id (RFC 7638 thumbprint).</summary>
    Task<SigningKey> PublicKeyAsync(CancellationToken cancellationToken);
}

public sealed record SigningKey(string KeyId, RSAParameters PublicKey)
{
    /// <summary>RFC 7638 JWK thumbprint of an RSA key: SHA-256 of {"e","kty","n"} in that order, base64url.</summary>
    public static SigningKey From(RSAParameters publicKey)
    {
        var json = $"{{\"e\":\"{Base64Url(publicKey.Exponent!)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url(publicKey.Modulus!)}\"}}";
        var thumbprint = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json));
        return new SigningKey(Base64Url(thumbprint), new RSAParameters { Modulus = publicKey.Modulus, Exponent = publicKey.Exponent });
    }

    public static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
