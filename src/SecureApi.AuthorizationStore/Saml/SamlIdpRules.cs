using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;
using SecureApi.AuthorizationStore.Issuers;

namespace SecureApi.AuthorizationStore.Saml;

/// <summary>
/// The rules for a run-time SAML IdP entry (docs/saml.md#run-time-registry), fields named as the admin API's body
/// (camelCase): the registry name, the entity id, exactly one key source, each certificate readable, unexpired and
/// RSA-2048 or stronger (named by its index: signingCertificates[1]), the attribute names. Messages never repeat a
/// submitted value. Role names in roleMap are the caller's to check (the admin API's own name rule).
/// </summary>
public static class SamlIdpRules
{
    public const int MaxCertificates = 5;
    public const int MaxPemCharacters = 16 * 1024;
    public const int MaxTextLength = 1024;
    public const int MaxRoleMapEntries = 100;

    public static IReadOnlyList<(string Field, string Message)> Validate(SamlIdpEntry e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        var problems = new List<(string, string)>();
        void Add(string field, string message) => problems.Add((field, message));

        if (!IssuerRules.IsValidName(e.Name)) Add("name", IssuerRules.NameRule("name"));
        Text("entityId", e.EntityId, required: true, "the Issuer of the IdP's assertions");
        Text("roleAttribute", e.RoleAttribute, required: false, "an attribute Name");
        Text("permissionAttribute", e.PermissionAttribute, required: false, "an attribute Name");

        var sources = (e.SigningCertificates.Count > 0 ? 1 : 0) + (e.MetadataXml is null ? 0 : 1);
        if (sources != 1)
            Add("signingCertificates", $"Exactly one key source is required: signingCertificates (PEM) or metadataXml (found {(sources == 0 ? "none" : "two")}).");
        else if (e.MetadataXml is { } metadata) Metadata(metadata);
        else Pems();

        if (e.RoleMap.Count > MaxRoleMapEntries) Add("roleMap", $"roleMap may hold at most {MaxRoleMapEntries} entries.");
        if (e.RoleMap.Keys.Any(k => k.Length is 0 or > MaxTextLength)) Add("roleMap", $"Every roleMap key (an attribute value) must be 1-{MaxTextLength} characters.");
        return problems;

        void Text(string field, string? value, bool required, string what)
        {
            if (value is null)
            {
                if (required) Add(field, $"{field} is required ({what}).");
            }
            else if (value.Length is 0 or > MaxTextLength || value.Trim().Length != value.Length)
                Add(field, $"{field} must be {what}: 1-{MaxTextLength} characters without surrounding whitespace.");
        }

        void Pems()
        {
            if (e.SigningCertificates.Count > MaxCertificates)
                Add("signingCertificates", $"signingCertificates may hold at most {MaxCertificates} certificates (a rotation needs two).");
            for (var i = 0; i < e.SigningCertificates.Count; i++)
            {
                var field = $"signingCertificates[{i}]";
                var pem = e.SigningCertificates[i];
                if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
                    Add(field, $"{field} holds a private key: send the certificate alone (it is public; the key never leaves the IdP).");
                else if (pem.Length > MaxPemCharacters) Add(field, $"{field} must be at most {MaxPemCharacters} characters (one PEM certificate).");
                else Certificates(field, () => SamlIdpCertificates.FromPem(pem), exactlyOne: true);
            }
        }

        void Metadata(string xml)
        {
            if (xml.Length > SafeXml.MaxCharacters) Add("metadataXml", $"metadataXml must be at most {SafeXml.MaxCharacters} characters (one IdP's metadata).");
            else Certificates("metadataXml", () => SamlIdpCertificates.FromMetadata(xml), exactlyOne: false);
        }

        void Certificates(string field, Func<List<X509Certificate2>> read, bool exactlyOne)
        {
            List<X509Certificate2> certificates;
            try
            {
                certificates = read();
            }
            catch (Exception ex) when (ex is CryptographicException or XmlException or FormatException)
            {
                Add(field, exactlyOne ? $"{field} is not a PEM certificate." : $"{field} is not well-formed metadata XML without a DTD, or holds a certificate that does not parse.");
                return;
            }
            try
            {
                if (exactlyOne && certificates.Count != 1) Add(field, $"{field} must hold exactly one PEM certificate (found {certificates.Count}).");
                if (!exactlyOne && certificates.Count == 0) Add(field, $"{field} holds no signing certificate (IDPSSODescriptor/KeyDescriptor).");
                for (var i = 0; i < certificates.Count; i++)
                {
                    var which = exactlyOne ? field : $"{field} (certificate {i + 1})";
                    if (SamlIdpCertificates.KeyProblem(certificates[i]) is { } problem) Add(field, $"{which} {problem}.");
                    if (new DateTimeOffset(certificates[i].NotAfter.ToUniversalTime()) <= now) Add(field, $"{which} has expired.");
                }
            }
            finally
            {
                foreach (var certificate in certificates) certificate.Dispose();
            }
        }
    }
}
