using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace SecureApi.TokenService.Saml;

/// <summary>
/// Checks that the document is one Assertion signed, as a whole, by a pinned certificate: the XML signature itself is
/// verified by .NET's SignedXml; what is checked here is the shape that makes "signature valid" mean "these contents
/// are signed" (the XML signature wrapping defences): exactly one Assertion, the one Signature a direct child of it,
/// one Reference whose URI is the Assertion's own unique ID, only enveloped/c14n transforms, RSA-SHA256 or stronger,
/// no comments or processing instructions anywhere (canonicalization drops them, so text read around a comment
/// would differ from what was signed). Keys or certificates inside the message are never used.
/// </summary>
internal static class AssertionSignature
{
    /// <exception cref="OAuthErrorException">invalid_grant naming what is wrong (never the assertion's contents).</exception>
    public static void Verify(XmlDocument document, XmlElement assertion, string assertionId, IReadOnlyList<X509Certificate2> pinned)
    {
        if (document.GetElementsByTagName("Assertion", SamlNames.Assertion).Count != 1)
            throw OAuthErrorException.InvalidGrant("The message holds more than one Assertion.");
        if (document.SelectSingleNode("//comment() | //processing-instruction()") is not null)
            throw OAuthErrorException.InvalidGrant("The assertion holds an XML comment or processing instruction; neither is accepted.");
        if (CountIds(document.DocumentElement!, assertionId) != 1)
            throw OAuthErrorException.InvalidGrant("The Assertion's ID is not unique in the message.");

        var signatures = document.GetElementsByTagName("Signature", SamlNames.DSig);
        if (signatures.Count == 0) throw OAuthErrorException.InvalidGrant("The Assertion is not signed.");
        if (signatures.Count > 1 || signatures[0]!.ParentNode != assertion)
            throw OAuthErrorException.InvalidGrant("The signature is not the Assertion's own (one Signature, a child of the Assertion).");

        var signed = new SignedXml(document);
        try
        {
            signed.LoadXml((XmlElement)signatures[0]!);
        }
        catch (CryptographicException)
        {
            throw OAuthErrorException.InvalidGrant("The Assertion's Signature element is malformed.");
        }
        CheckAlgorithms(signed.SignedInfo!, assertionId);

        foreach (var certificate in pinned)
        {
            if (CheckSignature(signed, certificate)) return;
        }
        throw OAuthErrorException.InvalidGrant("The Assertion's signature does not verify with a signing certificate of its Issuer.");
    }

    private static void CheckAlgorithms(SignedInfo info, string assertionId)
    {
        if (!SamlNames.SignatureMethods.Contains(info.SignatureMethod ?? ""))
            throw OAuthErrorException.InvalidGrant("The signature algorithm is not accepted: RSA-SHA256 or stronger is required.");
        if (!SamlNames.CanonicalizationMethods.Contains(info.CanonicalizationMethod ?? ""))
            throw OAuthErrorException.InvalidGrant("The signature's canonicalization method is not accepted.");
        if (info.References.Count != 1 || info.References[0] is not Reference reference || reference.Uri != "#" + assertionId)
            throw OAuthErrorException.InvalidGrant("The signature does not cover the Assertion (one Reference to the Assertion's ID is required).");
        if (!SamlNames.DigestMethods.Contains(reference.DigestMethod ?? ""))
            throw OAuthErrorException.InvalidGrant("The digest algorithm is not accepted: SHA-256 or stronger is required.");
        foreach (Transform transform in reference.TransformChain)
        {
            if (!SamlNames.Transforms.Contains(transform.Algorithm ?? ""))
                throw OAuthErrorException.InvalidGrant("The signature uses a transform that is not accepted.");
        }
    }

    private static bool CheckSignature(SignedXml signed, X509Certificate2 certificate)
    {
        try
        {
            return signed.CheckSignature(certificate, verifySignatureOnly: true);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Elements carrying <paramref name="id"/> in an ID-like attribute (SignedXml resolves a reference by any of them).</summary>
    private static int CountIds(XmlElement root, string id)
    {
        var count = 0;
        foreach (XmlElement element in root.SelectNodes("descendant-or-self::*")!)
        {
            foreach (XmlAttribute attribute in element.Attributes)
            {
                if (attribute.LocalName is "ID" or "Id" or "id" && attribute.Value == id) count++;
            }
        }
        return count;
    }
}
