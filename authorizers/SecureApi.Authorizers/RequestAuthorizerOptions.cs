using SecureApi.AuthorizationStore;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace SecureApi.Authorizers;

/// <summary>
/// Settings of the REQUEST authorizer (section "RequestAuthorizer"; env vars RequestAuthorizer__ApiKeys…).
/// Secure defaults: no keys, no header values, empty IP allowlist — nothing is admitted until configured.
/// ApiKeys and CustomHeaderValues accept a configuration array of objects (appsettings) or one JSON string
/// (one env var / SSM parameter): [{"sha256":"…","principalId":"…","role":"admin","permissions":"read,write"}].
/// </summary>
public sealed class RequestAuthorizerOptions
{
    public const string SectionName = "RequestAuthorizer";

    /// <summary>Query-string parameter carrying an API key; default "api_key".</summary>
    public string ApiKeyQueryParameter { get; set; } = "api_key";

    /// <summary>Header carrying a custom credential (looked up case-insensitively); default "X-Custom-Auth".</summary>
    public string CustomHeaderName { get; set; } = "X-Custom-Auth";

    public List<HashedCredential> ApiKeys { get; set; } = [];
    public List<HashedCredential> CustomHeaderValues { get; set; } = [];

    /// <summary>CIDR ranges (IPv4 and IPv6) admitted by requestContext.identity.sourceIp; empty by default.</summary>
    public List<string> AllowedCidrs { get; set; } = [];
    public string IpPrincipalId { get; set; } = "internal-user";
    public string? IpRole { get; set; }
    public string? IpPermissions { get; set; }

    /// <summary>The route table policies are built from (not bound from configuration).</summary>
    public RouteRules Routes { get; set; } = RouteRules.Default;

    private readonly List<string> _bindErrors = [];

    /// <summary>Reads the "RequestAuthorizer" section (pass the section itself). Call <see cref="Validate"/> next.</summary>
    public static RequestAuthorizerOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var o = new RequestAuthorizerOptions();
        var r = new ConfigReader(section, SectionName, o._bindErrors);
        o.ApiKeyQueryParameter = r.String(nameof(ApiKeyQueryParameter)) ?? o.ApiKeyQueryParameter;
        o.CustomHeaderName = r.String(nameof(CustomHeaderName)) ?? o.CustomHeaderName;
        o.ApiKeys = ReadCredentials(section, nameof(ApiKeys), o._bindErrors);
        o.CustomHeaderValues = ReadCredentials(section, nameof(CustomHeaderValues), o._bindErrors);
        o.AllowedCidrs = r.List(nameof(AllowedCidrs)) ?? [];
        o.IpPrincipalId = r.String(nameof(IpPrincipalId)) ?? o.IpPrincipalId;
        o.IpRole = r.String(nameof(IpRole));
        o.IpPermissions = r.String(nameof(IpPermissions));
        return o;
    }

    private static List<HashedCredential> ReadCredentials(IConfiguration section, string key, List<string> errors)
    {
        var single = section[key];
        if (!string.IsNullOrWhiteSpace(single))
        {
            try
            {
                return JsonSerializer.Deserialize(single, AuthorizerConfigJsonContext.Default.ListHashedCredential) ?? [];
            }
            catch (JsonException e)
            {
                // The position helps; the value itself is never echoed (it may hold secrets).
                errors.Add($"{SectionName}__{key} is not a JSON array of {{\"sha256\",\"principalId\",\"role\",\"permissions\"}} objects (line {e.LineNumber}, byte {e.BytePositionInLine}).");
                return [];
            }
        }
        var list = new List<HashedCredential>();
        foreach (var child in section.GetSection(key).GetChildren())
        {
            list.Add(new HashedCredential
            {
                Sha256 = child["sha256"],
                PrincipalId = child["principalId"],
                Role = child["role"],
                Permissions = child["permissions"],
            });
        }
        return list;
    }

    /// <summary>Every problem with these settings, as messages naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => Validate(storeConfigured: false);

    /// <summary>As <see cref="Validate()"/>; with an authorization store the seed may be empty (keys live in the store).</summary>
    internal IReadOnlyList<string> Validate(bool storeConfigured)
    {
        var e = new List<string>(_bindErrors);
        const string p = SectionName + "__";
        if (string.IsNullOrWhiteSpace(ApiKeyQueryParameter)) e.Add($"{p}ApiKeyQueryParameter must not be empty.");
        if (string.IsNullOrWhiteSpace(CustomHeaderName)) e.Add($"{p}CustomHeaderName must not be empty.");
        CheckCredentials(e, p + nameof(ApiKeys), ApiKeys);
        CheckCredentials(e, p + nameof(CustomHeaderValues), CustomHeaderValues);
        for (var i = 0; i < AllowedCidrs.Count; i++)
        {
            if (!TryParseCidr(AllowedCidrs[i], out _, out var why)) e.Add($"{p}AllowedCidrs entry {i} ('{AllowedCidrs[i]}') {why}");
        }
        if (AllowedCidrs.Count > 0 && string.IsNullOrWhiteSpace(IpPrincipalId)) e.Add($"{p}IpPrincipalId is required when AllowedCidrs is set.");
        if (TokenSubjects.IsTokenSubject(IpPrincipalId)) e.Add($"{p}IpPrincipalId must not contain ':' (that form names a token subject, issuer:sub).");
        if (!storeConfigured && ApiKeys.Count == 0 && CustomHeaderValues.Count == 0 && AllowedCidrs.Count == 0)
            e.Add($"Nothing would be admitted: configure {p}ApiKeys, {p}CustomHeaderValues and/or {p}AllowedCidrs.");
        return e;
    }

    private static void CheckCredentials(List<string> e, string name, List<HashedCredential> list)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < list.Count; i++)
        {
            var c = list[i];
            if (c.Sha256 is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigit))
                e.Add($"{name} entry {i}: sha256 must be 64 hex characters (printf %s 'key' | sha256sum), never the key itself.");
            else if (!seen.Add(hash))
                e.Add($"{name} entry {i}: the same sha256 is listed twice.");
            if (string.IsNullOrWhiteSpace(c.PrincipalId)) e.Add($"{name} entry {i}: principalId is required.");
            else if (TokenSubjects.IsTokenSubject(c.PrincipalId))
                e.Add($"{name} entry {i}: principalId must not contain ':' (that form names a token subject, issuer:sub).");
        }
    }

    /// <summary>Strict CIDR: canonical network address, IPv4-mapped IPv6 ranges refused (write them as IPv4).</summary>
    internal static bool TryParseCidr(string text, out IPNetwork network, out string why)
    {
        network = default;
        var slash = text.IndexOf('/');
        if (slash < 0 || !IPNetwork.TryParse(text, out network) ||
            !IPAddress.TryParse(text.AsSpan(0, slash), out var written) || !written.Equals(network.BaseAddress))
        {
            why = "is not a CIDR range like 10.0.0.0/8 or 2001:db8::/32 (host bits must be zero).";
            return false;
        }
        if (network.BaseAddress.IsIPv4MappedToIPv6)
        {
            why = "is an IPv4-mapped IPv6 range; write it as IPv4 (mapped source addresses are matched as IPv4).";
            return false;
        }
        why = "";
        return true;
    }

    internal void ThrowIfInvalid(bool storeConfigured = false) =>
        AuthorizerConfigurationException.ThrowIfAny(SectionName, Validate(storeConfigured));
}
