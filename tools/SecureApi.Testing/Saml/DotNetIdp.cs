using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace SecureApi.Testing.Saml;

/// <summary>
/// A signing key pair with a self-signed certificate, and .NET's SignedXml signing an assertion as an IdP does
/// (enveloped, exclusive c14n, the Signature after the Issuer). The fast unit tests use it; the rejection suite
/// against a real IdP uses samlify (SamlifyIdp in the token service tests).
/// </summary>
public sealed class DotNetIdp : IAssertionSigner
{
    public RSA Key { get; } = RSA.Create(2048);
    public X509Certificate2 Certificate { get; }
    public string CertificatePem => Certificate.ExportCertificatePem();
    public string PrivateKeyPem => Key.ExportPkcs8PrivateKeyPem();

    public DotNetIdp(string subject = "CN=idp.example.test")
    {
        var request = new CertificateRequest(subject, Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public Task<string> SignAsync(string xml, bool sha1 = false) => Task.FromResult(sha1
        ? Sign(xml, SignedXml.XmlDsigRSASHA1Url, SignedXml.XmlDsigSHA1Url)
        : Sign(xml, SignedXml.XmlDsigRSASHA256Url, SignedXml.XmlDsigSHA256Url));

    private string Sign(string xml, string signatureMethod, string digestMethod)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        var root = document.DocumentElement!;
        var signed = new SignedXml(document) { SigningKey = Key };
        signed.SignedInfo!.SignatureMethod = signatureMethod;
        signed.SignedInfo.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        var reference = new Reference("#" + root.GetAttribute("ID")) { DigestMethod = digestMethod };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        signed.KeyInfo = new KeyInfo();
        signed.KeyInfo.AddClause(new KeyInfoX509Data(Certificate));
        signed.ComputeSignature();
        var issuer = root.FirstChild!;
        root.InsertAfter(document.ImportNode(signed.GetXml(), true), issuer);
        return document.OuterXml;
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }
}
