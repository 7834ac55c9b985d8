using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using System.Xml;
using SecureApi.AuthorizationStore.Saml;

namespace SecureApi.TokenService.Saml;

/// <summary>
/// One trusted SAML IdP: its name (qualifies the subject: "{Name}:{NameID}"), the Issuer its assertions carry, the
/// pinned signing certificates (several during a rotation) and how its attributes become roles and permissions.
/// </summary>
public sealed partial record IdentityProvider(
    string Name,
    string EntityId,
    IReadOnlyList<X509Certificate2> SigningCertificates,
    string? RoleAttribute,
    string? PermissionAttribute,
    IReadOnlyDictionary<string, string> RoleMap)
{
    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>The role names an assertion's role attribute values map to: through RoleMap when one is set (unmapped values are dropped), else as they are.</summary>
    public IEnumerable<string> MapRoles(IEnumerable<string> values) =>
        RoleMap.Count == 0 ? values : values.Select(v => RoleMap.GetValueOrDefault(v)).OfType<string>();

    /// <summary>Reads Saml__IdentityProviders__N__…; problems are added to <paramref name="errors"/> naming the setting.</summary>
    internal static IdentityProvider? FromConfiguration(IConfigurationSection section, string prefix, List<string> errors)
    {
        string? Read(string key) => string.IsNullOrWhiteSpace(section[key]) ? null : section[key]!.Trim();
        var before = errors.Count;
        var name = Read("Name");
        var entityId = Read("EntityId");
        if (!IsValidName(name)) errors.Add($"{prefix}Name must be 1-64 letters, digits, '.', '_' or '-'.");
        if (entityId is null) errors.Add($"{prefix}EntityId (the Issuer of its assertions) is required.");

        var pem = Read("SigningCertificates") ?? JoinChildren(section.GetSection("SigningCertificates"));
        var metadata = Read("MetadataXml");
        List<X509Certificate2> certificates = [];
        if ((pem is null) == (metadata is null))
            errors.Add($"{prefix}: set exactly one of SigningCertificates (PEM) or MetadataXml.");
        else if (pem is not null)
            certificates = Certificates(() => SamlIdpCertificates.FromPem(pem), prefix + "SigningCertificates", errors);
        else
            certificates = Certificates(() => SamlIdpCertificates.FromMetadata(metadata!), prefix + "MetadataXml", errors);

        var roleMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in section.GetSection("RoleMap").GetChildren())
            if (!string.IsNullOrWhiteSpace(entry.Value)) roleMap[entry.Key] = entry.Value.Trim();

        if (errors.Count > before) return null;
        return new IdentityProvider(name!, entityId!, certificates, Read("RoleAttribute"), Read("PermissionAttribute"), roleMap);
    }

    private static string? JoinChildren(IConfigurationSection section)
    {
        var values = section.GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
        return values.Count == 0 ? null : string.Join('\n', values);
    }

    private static List<X509Certificate2> Certificates(Func<List<X509Certificate2>> read, string setting, List<string> errors)
    {
        List<X509Certificate2> certificates;
        try
        {
            certificates = read();
        }
        catch (Exception e) when (e is CryptographicException or XmlException or FormatException)
        {
            errors.Add($"{setting} could not be read ({e.GetType().Name}).");
            return [];
        }
        if (certificates.Count == 0) errors.Add($"{setting} holds no certificate.");
        foreach (var certificate in certificates)
        {
            if (SamlIdpCertificates.KeyProblem(certificate) is { } problem)
                errors.Add($"{setting}: every certificate {problem} ({certificate.Subject} does not).");
        }
        return certificates;
    }

    /// <summary>
    /// A stored entry (docs/saml.md#run-time-registry) as a trusted IdP; null when its certificates cannot be read or
    /// one breaks the key rule (a damaged entry trusts nothing). Expiry is checked when the entry is written, not here:
    /// a pinned certificate keeps verifying until it is replaced.
    /// </summary>
    internal static IdentityProvider? FromStored(SamlIdpEntry entry)
    {
        if (entry.EntityId is null) return null;
        List<X509Certificate2> certificates;
        try
        {
            certificates = SamlIdpCertificates.Of(entry);
        }
        catch (Exception e) when (e is CryptographicException or XmlException or FormatException)
        {
            return null;
        }
        if (certificates.Count == 0 || certificates.Any(c => SamlIdpCertificates.KeyProblem(c) is not null)) return null;
        return new IdentityProvider(entry.Name, entry.EntityId, certificates, entry.RoleAttribute, entry.PermissionAttribute,
            new Dictionary<string, string>(entry.RoleMap, StringComparer.Ordinal));
    }
}
