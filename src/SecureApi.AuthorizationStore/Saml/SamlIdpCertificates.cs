using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace SecureApi.AuthorizationStore.Saml;

/// <summary>A pinned certificate as GET and the audit trail show it: no PEM, just which one and until when.</summary>
public sealed record CertificateSummary(string Sha256Thumbprint, string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter);

/// <summary>
/// The one home of reading an IdP's signing certificates (docs/saml.md): from PEM, or from the IdP's metadata (the
/// IDPSSODescriptor's KeyDescriptor use="signing" or without use), and the key rule (RSA of at least 2048 bits). The
/// token service reads configured and stored IdPs through it; the admin API checks entries with it.
/// </summary>
public static class SamlIdpCertificates
{
    public const int MinRsaKeyBits = 2048;

    /// <exception cref="CryptographicException">The PEM holds something that is not a certificate.</exception>
    public static List<X509Certificate2> FromPem(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return [.. collection];
    }

    /// <exception cref="XmlException">Malformed, a DTD, or too large (<see cref="SafeXml"/>).</exception>
    /// <exception cref="FormatException">A certificate that is not base64.</exception>
    /// <exception cref="CryptographicException">A certificate that does not parse.</exception>
    public static List<X509Certificate2> FromMetadata(string xml)
    {
        var document = SafeXml.Load(xml);
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("md", "urn:oasis:names:tc:SAML:2.0:metadata");
        ns.AddNamespace("ds", "http://www.w3.org/2000/09/xmldsig#");
        var nodes = document.SelectNodes(
            "//md:IDPSSODescriptor/md:KeyDescriptor[not(@use) or @use='signing']/ds:KeyInfo/ds:X509Data/ds:X509Certificate", ns);
        var certificates = new List<X509Certificate2>();
        foreach (XmlNode node in nodes!)
            certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(node.InnerText.Trim())));
        return certificates;
    }

    /// <summary>The certificates a stored entry pins: its PEM ones, or its metadata's. Throws as the readers do.</summary>
    public static List<X509Certificate2> Of(SamlIdpEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.MetadataXml is { } metadata ? FromMetadata(metadata) : [.. entry.SigningCertificates.SelectMany(FromPem)];
    }

    /// <summary>Null when the certificate's key may sign assertions; else why not.</summary>
    public static string? KeyProblem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var rsa = certificate.GetRSAPublicKey();
        return rsa is null || rsa.KeySize < MinRsaKeyBits ? $"must hold an RSA key of at least {MinRsaKeyBits} bits" : null;
    }

    public static CertificateSummary Summary(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new(certificate.GetCertHashString(HashAlgorithmName.SHA256), certificate.Subject,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
    }

    /// <summary>The entry's certificates as summaries; none when they cannot be read (never throws: it only describes).</summary>
    public static IReadOnlyList<CertificateSummary> Describe(SamlIdpEntry entry)
    {
        List<X509Certificate2> certificates;
        try
        {
            certificates = Of(entry);
        }
        catch (Exception e) when (e is CryptographicException or XmlException or FormatException)
        {
            return [];
        }
        try
        {
            return [.. certificates.Select(Summary)];
        }
        finally
        {
            foreach (var certificate in certificates) certificate.Dispose();
        }
    }
}
