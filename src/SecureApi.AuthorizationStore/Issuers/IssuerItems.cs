using System.Globalization;
using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;

namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>Hand-written item ⇄ entry mapping (no reflection: AOT-safe). Attributes are the settings' names in camelCase; absent = not set.</summary>
internal static class IssuerItems
{
    public static Dictionary<string, AttributeValue> Item(IssuerRecord r)
    {
        var e = r.Entry;
        var item = ItemMapper.Key(TableKeys.IssuersKey, TableKeys.Issuer(e.Name));
        item["type"] = ItemMapper.S("issuer");
        item["name"] = ItemMapper.S(e.Name);
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
        item["createdAt"] = ItemMapper.Time(r.CreatedAt);
        item["updatedAt"] = ItemMapper.Time(r.UpdatedAt);
        return item;
    }

    public static IssuerRecord ToRecord(Dictionary<string, AttributeValue> item) => new(new IssuerEntry
    {
        Name = Str(item, "name") ?? throw new InvalidDataException("Stored issuer has no name."),
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
    }, Time(item, "createdAt"), Time(item, "updatedAt"));

    private static void Opt(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null) item[name] = ItemMapper.S(value);
    }

    private static AttributeValue List(IReadOnlyList<string> values) => new() { L = [.. values.Select(ItemMapper.S)] };

    private static string? Str(Dictionary<string, AttributeValue> item, string name) => item.TryGetValue(name, out var v) ? v.S : null;

    private static string[]? Strings(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.L is not null ? [.. v.L.Where(x => x.S is not null).Select(x => x.S)] : null;

    private static DateTimeOffset Time(Dictionary<string, AttributeValue> item, string name) =>
        DateTimeOffset.Parse(Str(item, name) ?? throw new InvalidDataException($"Stored issuer lacks '{name}'."),
            CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
