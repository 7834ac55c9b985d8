using System.Xml;

namespace SecureApi.TokenService.Tests;

/// <summary>What an attacker does to an assertion an IdP signed (XML signature wrapping and friends).</summary>
public static class Tamper
{
    private const string Saml = "urn:oasis:names:tc:SAML:2.0:assertion";
    private const string DSig = "http://www.w3.org/2000/09/xmldsig#";

    private static XmlDocument Load(string xml)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        return document;
    }

    /// <summary>An unsigned copy claiming another subject becomes the root; the signed original rides inside it.</summary>
    public static string WrapInSecondAssertion(string signed, string evilNameId)
    {
        var document = Load(signed);
        var original = document.DocumentElement!;
        var evil = (XmlElement)original.CloneNode(deep: true);
        evil.SetAttribute("ID", "_evil" + Guid.NewGuid().ToString("N"));
        evil.RemoveChild(evil.GetElementsByTagName("Signature", DSig)[0]!);
        evil.GetElementsByTagName("NameID", Saml)[0]!.InnerText = evilNameId;
        document.ReplaceChild(evil, original);
        evil.AppendChild(original);
        return document.OuterXml;
    }

    /// <summary>The Signature moved from the Assertion into its Subject (it still verifies: the enveloped transform drops it wherever it is).</summary>
    public static string MoveSignatureIntoSubject(string signed)
    {
        var document = Load(signed);
        var signature = document.GetElementsByTagName("Signature", DSig)[0]!;
        signature.ParentNode!.RemoveChild(signature);
        document.GetElementsByTagName("Subject", Saml)[0]!.AppendChild(signature);
        return document.OuterXml;
    }

    /// <summary>A comment inserted in the NameID: canonicalization drops it, so the signature still verifies.</summary>
    public static string CommentInNameId(string signed, string before, string after) =>
        signed.Replace(before + after, before + "<!---->" + after, StringComparison.Ordinal);

    public static string ChangeNameId(string signed, string from, string to) => signed.Replace(from, to, StringComparison.Ordinal);

    public static string WithDtd(string signed) =>
        "<!DOCTYPE saml:Assertion [<!ENTITY xxe SYSTEM \"file:///etc/hostname\">]>" + signed;
}
