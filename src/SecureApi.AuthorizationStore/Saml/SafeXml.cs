using System.Xml;

namespace SecureApi.AuthorizationStore.Saml;

/// <summary>
/// The one way XML from outside is parsed here: no DTD (a document declaring one is refused), no resolver (no
/// external entity or schema is ever fetched), whitespace preserved (signatures cover it), a size bound.
/// </summary>
public static class SafeXml
{
    public const int MaxCharacters = 64 * 1024;

    /// <exception cref="XmlException">Malformed, a DTD, or over <see cref="MaxCharacters"/>.</exception>
    public static XmlDocument Load(string xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreProcessingInstructions = false,
            IgnoreComments = false,
        };
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var text = new StringReader(xml);
        using var reader = XmlReader.Create(text, settings);
        document.Load(reader);
        return document;
    }
}
