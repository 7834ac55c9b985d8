using System.Globalization;
using System.Text;
using System.Xml;
using SecureApi.AuthorizationStore.Saml;

namespace SecureApi.TokenService.Saml;

/// <summary>
/// Decides whether an assertion may be exchanged (docs/saml.md, "What an assertion must be"): size, XML without DTD,
/// Issuer = a trusted IdP (<see cref="TrustedIdentityProviders"/>), its signature (<see cref="AssertionSignature"/>), Audience, bearer confirmation for this
/// token endpoint, times within the clock skew and at most one hour of validity. Replay is the exchange's next step.
/// </summary>
public sealed class AssertionValidator(SamlOptions options, TrustedIdentityProviders identityProviders, TimeProvider time)
{
    public const int MaxAssertionBytes = 64 * 1024;
    public static readonly TimeSpan MaxValidity = TimeSpan.FromHours(1);

    /// <exception cref="OAuthErrorException">invalid_grant (or invalid_request for a missing assertion).</exception>
    /// <exception cref="SecureApi.AuthorizationStore.AuthorizationStoreUnavailableException">The Issuer is not configured and the run-time registry cannot be read.</exception>
    public async Task<ValidatedAssertion> ValidateAsync(string? encoded, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(encoded)) throw OAuthErrorException.InvalidRequest("The assertion parameter is required.");
        var document = Parse(encoded);
        var assertion = document.DocumentElement!;
        if (assertion.LocalName != "Assertion" || assertion.NamespaceURI != SamlNames.Assertion)
            throw OAuthErrorException.InvalidGrant("The assertion parameter must hold a SAML 2.0 Assertion.");
        if (assertion.GetAttribute("Version") != "2.0") throw OAuthErrorException.InvalidGrant("The Assertion's Version must be 2.0.");
        var id = assertion.GetAttribute("ID");
        if (id.Length == 0) throw OAuthErrorException.InvalidGrant("The Assertion has no ID.");

        var issuer = Child(assertion, "Issuer")?.InnerText.Trim();
        var idp = issuer is null ? null : await identityProviders.FindAsync(issuer, ct).ConfigureAwait(false);
        if (idp is null)
            throw OAuthErrorException.InvalidGrant("The Assertion's Issuer is not a trusted identity provider.");

        AssertionSignature.Verify(document, assertion, id, idp.SigningCertificates);

        var now = time.GetUtcNow();
        var skew = options.MaxClockSkew;
        var issueInstant = Time(assertion, "IssueInstant") ?? throw OAuthErrorException.InvalidGrant("The Assertion has no IssueInstant.");
        if (issueInstant > now + skew) throw OAuthErrorException.InvalidGrant("The Assertion was issued in the future.");

        var conditions = Child(assertion, "Conditions") ?? throw OAuthErrorException.InvalidGrant("The Assertion has no Conditions.");
        var notBefore = Time(conditions, "NotBefore");
        var conditionsEnd = Time(conditions, "NotOnOrAfter");
        if (notBefore > now + skew) throw OAuthErrorException.InvalidGrant("The Assertion is not yet valid (Conditions NotBefore).");
        if (conditionsEnd <= now - skew) throw OAuthErrorException.InvalidGrant("The Assertion has expired (Conditions NotOnOrAfter).");
        CheckAudience(conditions);

        var subject = Child(assertion, "Subject") ?? throw OAuthErrorException.InvalidGrant("The Assertion has no Subject.");
        var nameIdElement = Child(subject, "NameID");
        if (nameIdElement is null || nameIdElement.ChildNodes.OfType<XmlElement>().Any())
            throw OAuthErrorException.InvalidGrant("The Subject has no NameID (plain text).");
        var nameId = nameIdElement.InnerText.Trim();
        if (nameId.Length is 0 or > 256) throw OAuthErrorException.InvalidGrant("The Subject's NameID must be 1-256 characters.");
        var confirmationEnd = BearerConfirmationEnd(subject, now, skew);

        var expires = conditionsEnd is { } end && end < confirmationEnd ? end : confirmationEnd;
        if (expires - (notBefore ?? issueInstant) > MaxValidity)
            throw OAuthErrorException.InvalidGrant("The Assertion is valid for more than one hour.");

        var authn = Child(assertion, "AuthnStatement");
        var classRef = Child(Child(authn, "AuthnContext"), "AuthnContextClassRef")?.InnerText.Trim();
        var authnInstant = authn is null ? null : Time(authn, "AuthnInstant");
        return new ValidatedAssertion(idp, id, nameId, expires, string.IsNullOrEmpty(classRef) ? null : classRef,
            authnInstant, Attributes(assertion));
    }

    private static XmlDocument Parse(string encoded)
    {
        // base64url of at most 64 KB is at most 4/3 of it; the decoded XML is bounded again by the parser.
        if (encoded.Length > (MaxAssertionBytes + 2) / 3 * 4) throw OAuthErrorException.InvalidGrant("The assertion is larger than 64 KB.");
        byte[] bytes;
        try
        {
            bytes = System.Buffers.Text.Base64Url.DecodeFromChars(encoded);
        }
        catch (FormatException)
        {
            throw OAuthErrorException.InvalidGrant("The assertion parameter is not base64url.");
        }
        if (bytes.Length > MaxAssertionBytes) throw OAuthErrorException.InvalidGrant("The assertion is larger than 64 KB.");
        try
        {
            return SafeXml.Load(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
        }
        catch (Exception e) when (e is XmlException or DecoderFallbackException)
        {
            // The parser's message may quote the document: only our own words go back.
            throw OAuthErrorException.InvalidGrant("The assertion is not well-formed UTF-8 XML without a DTD.");
        }
    }

    private void CheckAudience(XmlElement conditions)
    {
        var restrictions = Children(conditions, "AudienceRestriction").ToList();
        // Each AudienceRestriction must name us (SAML core §2.5.1.4): a restriction we are not in excludes us.
        if (restrictions.Count == 0 || !restrictions.All(r => Children(r, "Audience").Any(a => a.InnerText.Trim() == options.Audience)))
            throw OAuthErrorException.InvalidGrant("The Assertion's Audience is not this service.");
    }

    /// <summary>The latest NotOnOrAfter among bearer confirmations for this endpoint that are valid now.</summary>
    private DateTimeOffset BearerConfirmationEnd(XmlElement subject, DateTimeOffset now, TimeSpan skew)
    {
        DateTimeOffset? best = null;
        var forUs = false;
        foreach (var confirmation in Children(subject, "SubjectConfirmation"))
        {
            if (confirmation.GetAttribute("Method") != SamlNames.BearerMethod) continue;
            var data = Child(confirmation, "SubjectConfirmationData");
            if (data is null || data.GetAttribute("Recipient") != options.TokenEndpoint) continue;
            forUs = true;
            var end = Time(data, "NotOnOrAfter");
            if (end is null || end <= now - skew || Time(data, "NotBefore") > now + skew) continue;
            if (best is null || end > best) best = end;
        }
        if (!forUs) throw OAuthErrorException.InvalidGrant("The Assertion has no bearer SubjectConfirmation whose Recipient is this token endpoint.");
        return best ?? throw OAuthErrorException.InvalidGrant("The Assertion has expired (SubjectConfirmationData NotOnOrAfter).");
    }

    private static Dictionary<string, IReadOnlyList<string>> Attributes(XmlElement assertion)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var statement in Children(assertion, "AttributeStatement"))
        foreach (var attribute in Children(statement, "Attribute"))
        {
            var values = Children(attribute, "AttributeValue").Select(v => v.InnerText.Trim()).Where(v => v.Length > 0).ToList();
            var name = attribute.GetAttribute("Name");
            result[name] = result.TryGetValue(name, out var known) ? [.. known, .. values] : values;
        }
        return result;
    }

    private static DateTimeOffset? Time(XmlElement element, string attribute)
    {
        var raw = element.GetAttribute(attribute);
        if (raw.Length == 0) return null;
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            return value;
        throw OAuthErrorException.InvalidGrant($"The {element.LocalName} {attribute} is not an xs:dateTime.");
    }

    private static XmlElement? Child(XmlElement? parent, string localName) => parent is null ? null : Children(parent, localName).FirstOrDefault();

    private static IEnumerable<XmlElement> Children(XmlElement parent, string localName) =>
        parent.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == localName && e.NamespaceURI == SamlNames.Assertion);
}
