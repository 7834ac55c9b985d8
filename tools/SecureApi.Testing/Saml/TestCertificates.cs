using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureApi.Testing.Saml;

/// <summary>Self-signed certificates as PEM, for IdP entries whose key, size or validity a test is about.</summary>
public static class TestCertificates
{
    /// <param name="notAfter">Default: a year from now (wall clock).</param>
    public static string Pem(string subject = "CN=partner-idp.example.test", int rsaBits = 2048, DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(rsaBits);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var end = notAfter ?? DateTimeOffset.UtcNow.AddYears(1);
        using var certificate = request.CreateSelfSigned(end.AddYears(-1), end);
        return certificate.ExportCertificatePem();
    }

    /// <summary>The SHA-256 thumbprint (upper-case hex) GET /protected/admin/saml-idps/{name} shows for <paramref name="pem"/>.</summary>
    public static string Sha256Thumbprint(string pem)
    {
        using var certificate = X509Certificate2.CreateFromPem(pem);
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
