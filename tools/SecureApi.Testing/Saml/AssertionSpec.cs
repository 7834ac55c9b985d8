using System.Globalization;
using System.Security;
using System.Text;

namespace SecureApi.Testing.Saml;

/// <summary>An assertion's contents, written as SAML 2.0 XML (unsigned); each test changes the one field it is about.</summary>
public sealed record AssertionSpec
{
    public const string Audience = "https://api.example.test/saml-sp";
    public const string TokenEndpoint = "https://api.example.test/oauth2/token";
    public const string IdpEntityId = "https://idp.example.test/metadata";
    public const string GroupAttribute = "http://schemas.xmlsoap.org/claims/Group";
    public const string PermissionAttribute = "urn:example:permissions";

    public const string TokenIssuer = "https://tokens.example.test";
    public const string TokenAudience = "secureapi";

    /// <summary>
    /// Token service settings (':' separators) trusting one IdP, "corp", at <see cref="IdpEntityId"/> with the given
    /// pinned certificate; group "Domain Admins" maps to role admin.
    /// </summary>
    public static Dictionary<string, string?> TokenServiceSettings(string certificatePem) => new()
    {
        ["Saml:Audience"] = Audience,
        ["Saml:TokenEndpoint"] = TokenEndpoint,
        ["Saml:TokenIssuer"] = TokenIssuer,
        ["Saml:TokenAudience"] = TokenAudience,
        ["Saml:IdentityProviders:0:Name"] = "corp",
        ["Saml:IdentityProviders:0:EntityId"] = IdpEntityId,
        ["Saml:IdentityProviders:0:SigningCertificates"] = certificatePem,
        ["Saml:IdentityProviders:0:RoleAttribute"] = GroupAttribute,
        ["Saml:IdentityProviders:0:PermissionAttribute"] = PermissionAttribute,
        ["Saml:IdentityProviders:0:RoleMap:Domain Admins"] = "admin",
    };

    public string Id { get; init; } = "_" + Guid.NewGuid().ToString("N");
    public required DateTimeOffset Now { get; init; }
    public string Issuer { get; init; } = IdpEntityId;
    public string NameId { get; init; } = "alice@example.test";
    public string AudienceValue { get; init; } = Audience;
    public string Recipient { get; init; } = TokenEndpoint;
    public TimeSpan NotBeforeOffset { get; init; } = TimeSpan.FromMinutes(-1);
    public TimeSpan ValidFor { get; init; } = TimeSpan.FromMinutes(5);
    public string AuthnContextClassRef { get; init; } = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
    public string[] Groups { get; init; } = ["Domain Admins", "Staff"];
    public string[] Permissions { get; init; } = ["orders:read", "orders:write"];

    public string ToXml()
    {
        static string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        static string E(string s) => SecurityElement.Escape(s);
        var notBefore = Now + NotBeforeOffset;
        var end = Now + ValidFor;
        var issued = notBefore < Now ? notBefore : Now;
        var attributes = new StringBuilder();
        void Attribute(string name, string[] values)
        {
            attributes.Append($"<saml:Attribute Name=\"{E(name)}\">");
            foreach (var v in values) attributes.Append($"<saml:AttributeValue>{E(v)}</saml:AttributeValue>");
            attributes.Append("</saml:Attribute>");
        }
        Attribute(GroupAttribute, Groups);
        Attribute(PermissionAttribute, Permissions);
        return $"""
            <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{Id}" Version="2.0" IssueInstant="{T(issued)}"><saml:Issuer>{E(Issuer)}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{E(NameId)}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{T(end)}" Recipient="{E(Recipient)}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{T(notBefore)}" NotOnOrAfter="{T(end)}"><saml:AudienceRestriction><saml:Audience>{E(AudienceValue)}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{T(notBefore)}"><saml:AuthnContext><saml:AuthnContextClassRef>{E(AuthnContextClassRef)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion>
            """.Trim();
    }
}
