using System.Security.Cryptography.Xml;

namespace SecureApi.TokenService.Saml;

/// <summary>The SAML 2.0 and XML-DSig names the validator reads and the algorithm URIs it accepts.</summary>
internal static class SamlNames
{
    public const string Assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
    public const string BearerMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    public const string DSig = SignedXml.XmlDsigNamespaceUrl;

    /// <summary>RSA with SHA-256 or stronger; RSA-SHA1 (and anything else) is refused.</summary>
    public static readonly HashSet<string> SignatureMethods = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigRSASHA256Url, SignedXml.XmlDsigRSASHA384Url, SignedXml.XmlDsigRSASHA512Url,
    };

    public static readonly HashSet<string> DigestMethods = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigSHA256Url, SignedXml.XmlDsigSHA384Url, SignedXml.XmlDsigSHA512Url,
    };

    /// <summary>Enveloped signature and canonicalization without comments only: no XPath, no XSLT, no Base64 decoding.</summary>
    public static readonly HashSet<string> Transforms = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigEnvelopedSignatureTransformUrl, SignedXml.XmlDsigExcC14NTransformUrl, SignedXml.XmlDsigC14NTransformUrl,
    };

    public static readonly HashSet<string> CanonicalizationMethods = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigExcC14NTransformUrl, SignedXml.XmlDsigC14NTransformUrl,
    };
}
