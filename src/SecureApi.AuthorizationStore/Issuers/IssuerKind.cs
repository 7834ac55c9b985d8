using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.AuthorizationStore.Registries;

namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>
/// The issuer registry as a <see cref="RegistryKind{TEntry,TRecord}"/>: partition "ISSUERS", attributes named as the
/// settings in camelCase (hand-written mapping, no reflection: AOT-safe), audit details naming the iss, profile,
/// audiences and where keys come from (an inline JWKS by size only: the trail stays short).
/// </summary>
internal sealed class IssuerKind : RegistryKind<IssuerEntry, IssuerRecord>
{
    public static IssuerKind Instance { get; } = new();

    public override string Partition => TableKeys.IssuersKey;
    public override string Noun => "issuer";
    public override string OperationNoun => "Issuer";
    public override (string Created, string Updated, string Deleted) Actions =>
        (AuditActions.IssuerCreated, AuditActions.IssuerUpdated, AuditActions.IssuerDeleted);

    public override string SortKey(string name) => TableKeys.Issuer(name);

    public override IssuerRecord Record(IssuerEntry entry, DateTimeOffset createdAt, DateTimeOffset updatedAt) => new(entry, createdAt, updatedAt);

    protected override IssuerEntry Copy(IssuerEntry entry) => entry with
    {
        Audiences = [.. entry.Audiences], RoleClaims = Copy(entry.RoleClaims), PermissionClaims = Copy(entry.PermissionClaims),
        TenantIds = [.. entry.TenantIds], HostedDomains = [.. entry.HostedDomains],
        StepUpAmr = Copy(entry.StepUpAmr), StepUpAcrs = Copy(entry.StepUpAcrs),
    };

    private static string[]? Copy(IReadOnlyList<string>? values) => values is null ? null : [.. values];

    protected override string State(IssuerEntry e) =>
        $"iss={e.Issuer ?? "-"} profile={e.Profile} audiences=[{string.Join(',', e.Audiences)}] tenants=[{string.Join(',', e.TenantIds)}] keys={Keys(e)}";

    private static string Keys(IssuerEntry e) =>
        e.MetadataAddress is { } m ? "metadata:" + m
        : e.JwksUri is { } u ? "jwksUri:" + u
        : e.Jwks is { } j ? $"jwks({j.Length} chars)"
        : "none";

    protected override void WriteAttributes(IssuerEntry e, Dictionary<string, AttributeValue> item)
    {
        item["profile"] = ItemMapper.S(e.Profile);
        item["audiences"] = List(e.Audiences);
        item["tenantIds"] = List(e.TenantIds);
        item["hostedDomains"] = List(e.HostedDomains);
        Opt(item, "issuer", e.Issuer);
        Opt(item, "audienceClaim", e.AudienceClaim);
        Opt(item, "requiredTokenType", e.RequiredTokenType);
        Opt(item, "requiredTokenUse", e.RequiredTokenUse);
        Opt(item, "metadataAddress", e.MetadataAddress);
        Opt(item, "jwksUri", e.JwksUri);
        Opt(item, "jwks", e.Jwks);
        if (e.RoleClaims is { } roles) item["roleClaims"] = List(roles);
        if (e.PermissionClaims is { } permissions) item["permissionClaims"] = List(permissions);
        if (e.StepUpAmr is { } amr) item["stepUpAmr"] = List(amr);
        if (e.StepUpAcrs is { } acrs) item["stepUpAcrs"] = List(acrs);
    }

    protected override IssuerEntry ReadEntry(string name, Dictionary<string, AttributeValue> item) => new()
    {
        Name = name,
        Issuer = Str(item, "issuer"),
        Audiences = Strings(item, "audiences") ?? [],
        AudienceClaim = Str(item, "audienceClaim"),
        RequiredTokenType = Str(item, "requiredTokenType"),
        RequiredTokenUse = Str(item, "requiredTokenUse"),
        MetadataAddress = Str(item, "metadataAddress"),
        JwksUri = Str(item, "jwksUri"),
        Jwks = Str(item, "jwks"),
        Profile = Str(item, "profile") ?? IssuerProfileNames.Generic,
        RoleClaims = Strings(item, "roleClaims"),
        PermissionClaims = Strings(item, "permissionClaims"),
        TenantIds = Strings(item, "tenantIds") ?? [],
        HostedDomains = Strings(item, "hostedDomains") ?? [],
        StepUpAmr = Strings(item, "stepUpAmr"),
        StepUpAcrs = Strings(item, "stepUpAcrs"),
    };
}
