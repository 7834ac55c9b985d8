using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>API Gateway mTLS: <c>requestContext.identity.clientCert.clientCertPem</c> → the client certificate.</summary>
internal static class ClientCertificateParser
{
    private const string Begin = "-----BEGIN CERTIFICATE-----";
    private const string End = "-----END CERTIFICATE-----";

    public static X509Certificate2? Parse(string? pem)
    {
        if (string.IsNullOrEmpty(pem))
        {
            return null;
        }
        var trimmed = pem.EndsWith('\n') ? pem[..^1] : pem;
        if (!trimmed.StartsWith(Begin, StringComparison.Ordinal) || !trimmed.EndsWith(End, StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            return X509Certificate2.CreateFromPem(trimmed);
        }
        catch (CryptographicException)
        {
            return null; // a malformed certificate is treated as no certificate, never a crash
        }
    }
}
