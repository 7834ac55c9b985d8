using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.AuthorizationStore.Registries;

namespace SecureApi.AuthorizationStore.Saml;

/// <summary>
/// The SAML IdP registry as a <see cref="RegistryKind{TEntry,TRecord}"/>: partition "SAML-IDPS", attributes named as
/// the settings in camelCase (roleMap a map), audit details naming the entity id, the certificates by SHA-256
/// thumbprint and expiry (the PEM and the metadata stay out of the trail) and the attribute mapping.
/// </summary>
internal sealed class SamlIdpKind : RegistryKind<SamlIdpEntry, SamlIdpRecord>
{
    public static SamlIdpKind Instance { get; } = new();

    public override string Partition => TableKeys.SamlIdpsKey;
    public override string Noun => "saml-idp";
    public override string OperationNoun => "SamlIdp";
    public override (string Created, string Updated, string Deleted) Actions =>
        (AuditActions.SamlIdpCreated, AuditActions.SamlIdpUpdated, AuditActions.SamlIdpDeleted);

    public override string SortKey(string name) => TableKeys.SamlIdp(name);

    public override SamlIdpRecord Record(SamlIdpEntry entry, DateTimeOffset createdAt, DateTimeOffset updatedAt) => new(entry, createdAt, updatedAt);

    protected override SamlIdpEntry Copy(SamlIdpEntry entry) => entry with
    {
        SigningCertificates = [.. entry.SigningCertificates],
        RoleMap = new Dictionary<string, string>(entry.RoleMap, StringComparer.Ordinal),
    };

    protected override string State(SamlIdpEntry e) =>
        $"entityId={e.EntityId ?? "-"} keys={(e.MetadataXml is null ? "certificates" : "metadata")}[{Certificates(e)}] " +
        $"roleAttribute={e.RoleAttribute ?? "-"} permissionAttribute={e.PermissionAttribute ?? "-"} " +
        $"roleMap={{{string.Join(',', e.RoleMap.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key + "=" + m.Value))}}}";

    private static string Certificates(SamlIdpEntry e) =>
        string.Join(',', SamlIdpCertificates.Describe(e).Select(c => $"sha256:{c.Sha256Thumbprint} until {c.NotAfter:yyyy-MM-dd}"));

    protected override void WriteAttributes(SamlIdpEntry e, Dictionary<string, AttributeValue> item)
    {
        Opt(item, "entityId", e.EntityId);
        if (e.SigningCertificates.Count > 0) item["signingCertificates"] = List(e.SigningCertificates);
        Opt(item, "metadataXml", e.MetadataXml);
        Opt(item, "roleAttribute", e.RoleAttribute);
        Opt(item, "permissionAttribute", e.PermissionAttribute);
        item["roleMap"] = new AttributeValue { M = e.RoleMap.ToDictionary(m => m.Key, m => ItemMapper.S(m.Value), StringComparer.Ordinal) };
    }

    protected override SamlIdpEntry ReadEntry(string name, Dictionary<string, AttributeValue> item) => new()
    {
        Name = name,
        EntityId = Str(item, "entityId"),
        SigningCertificates = Strings(item, "signingCertificates") ?? [],
        MetadataXml = Str(item, "metadataXml"),
        RoleAttribute = Str(item, "roleAttribute"),
        PermissionAttribute = Str(item, "permissionAttribute"),
        RoleMap = item.TryGetValue("roleMap", out var map) && map.M is not null
            ? map.M.Where(m => m.Value.S is not null).ToDictionary(m => m.Key, m => m.Value.S, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal),
    };
}
