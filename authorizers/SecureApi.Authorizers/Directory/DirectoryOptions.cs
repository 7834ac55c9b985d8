using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using SecureApi.AuthorizationStore;

namespace SecureApi.Authorizers.Directory;

/// <summary>
/// Settings of the directory credential (section "Directory"; env vars Directory__Url…): `Authorization: Basic` checked
/// against LDAP / Active Directory. Off unless <see cref="Url"/> is set. See docs/directory.md.
/// </summary>
public sealed class DirectoryOptions
{
    public const string SectionName = "Directory";
    public const int DefaultTimeoutMilliseconds = 2000;
    public const int DefaultCacheSeconds = 60;
    public const int MaxCacheSeconds = 300;

    /// <summary>ldaps://host:636, or ldap://host with StartTls; plain ldap:// only to a loopback address.</summary>
    public string? Url { get; set; }
    public bool StartTls { get; set; }
    /// <summary>"uid={0},ou=people,dc=example,dc=org" (a DN) or "{0}@corp.example.com" (AD's UPN bind).</summary>
    public string? BindDnTemplate { get; set; }
    public string? ServiceBindDn { get; set; }
    public string? ServicePassword { get; set; }
    public string? UserSearchBase { get; set; }
    /// <summary>e.g. "(sAMAccountName={0})"; {0} is the escaped user name.</summary>
    public string? UserFilter { get; set; }
    public string GroupAttribute { get; set; } = "memberOf";
    /// <summary>Group DN or CN (case-insensitive) → comma-separated roles.</summary>
    public Dictionary<string, string> GroupRoleMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, string> GroupPermissionMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    public int TimeoutMilliseconds { get; set; } = DefaultTimeoutMilliseconds;
    public int CacheSeconds { get; set; } = DefaultCacheSeconds;
    /// <summary>PEM; when set, only these CAs are trusted for the directory's certificate.</summary>
    public string? TrustedCaCertificates { get; set; }

    public bool Enabled => Url is not null;
    internal bool SearchesFirst => ServiceBindDn is not null;
    internal Uri? ParsedUrl { get; private set; }
    internal X509Certificate2Collection TrustedCas { get; private set; } = [];

    private readonly List<string> _bindErrors = [];

    /// <summary>Reads the "Directory" section (pass the section itself). Call <see cref="Validate"/> next.</summary>
    public static DirectoryOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var o = new DirectoryOptions();
        var r = new ConfigReader(section, SectionName, o._bindErrors);
        o.Url = r.String(nameof(Url));
        o.StartTls = r.Bool(nameof(StartTls), false);
        o.BindDnTemplate = r.String(nameof(BindDnTemplate));
        o.ServiceBindDn = r.String(nameof(ServiceBindDn));
        o.ServicePassword = section[nameof(ServicePassword)] is { Length: > 0 } password ? password : null; // a password keeps its spaces
        o.UserSearchBase = r.String(nameof(UserSearchBase));
        o.UserFilter = r.String(nameof(UserFilter));
        o.GroupAttribute = r.String(nameof(GroupAttribute)) ?? o.GroupAttribute;
        o.GroupRoleMap = ReadMap(section, nameof(GroupRoleMap), o._bindErrors);
        o.GroupPermissionMap = ReadMap(section, nameof(GroupPermissionMap), o._bindErrors);
        o.TimeoutMilliseconds = r.Int(nameof(TimeoutMilliseconds), DefaultTimeoutMilliseconds);
        o.CacheSeconds = r.Int(nameof(CacheSeconds), DefaultCacheSeconds);
        o.TrustedCaCertificates = r.String(nameof(TrustedCaCertificates));
        return o;
    }

    /// <summary>
    /// A map as children (GroupRoleMap__admins=admin; a Lambda variable name cannot hold a DN) or as one JSON object
    /// value (Directory__GroupRoleMap={"cn=admins,ou=groups,dc=example,dc=org":"admin"}; the template's form).
    /// </summary>
    private static Dictionary<string, string> ReadMap(IConfiguration section, string key, List<string> errors)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (section[key] is { } json && !string.IsNullOrWhiteSpace(json))
        {
            try
            {
                foreach (var (group, value) in JsonSerializer.Deserialize(json, DirectoryJsonContext.Default.DictionaryStringString) ?? [])
                    if (!string.IsNullOrWhiteSpace(group) && !string.IsNullOrWhiteSpace(value)) map[group.Trim()] = value.Trim();
            }
            catch (JsonException e)
            {
                errors.Add($"{SectionName}__{key} is not a JSON object of group → value strings (line {e.LineNumber}, byte {e.BytePositionInLine}).");
            }
            return map;
        }
        foreach (var child in section.GetSection(key).GetChildren())
            if (!string.IsNullOrWhiteSpace(child.Value)) map[child.Key.Trim()] = child.Value.Trim();
        return map;
    }

    /// <summary>Every problem with these settings, as messages naming the setting; empty when valid (or off).</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>(_bindErrors);
        if (!Enabled) return e;
        const string p = SectionName + "__";
        CheckUrl(e, p);
        var template = BindDnTemplate is not null;
        if (template == SearchesFirst)
            e.Add($"{p}BindDnTemplate or {p}ServiceBindDn (search-then-bind) must be set, not both.");
        if (template && !HasOnePlaceholder(BindDnTemplate!))
            e.Add($"{p}BindDnTemplate must contain {{0}} (the user name) exactly once.");
        if (template && !BindDnTemplate!.Contains('=') && (UserSearchBase is null || UserFilter is null))
            e.Add($"{p}BindDnTemplate '{BindDnTemplate}' is not a DN (a UPN bind): {p}UserSearchBase and {p}UserFilter are required to read the user's groups.");
        if (SearchesFirst)
        {
            if (ServicePassword is null) e.Add($"{p}ServicePassword is required with {p}ServiceBindDn.");
            if (UserSearchBase is null) e.Add($"{p}UserSearchBase is required with {p}ServiceBindDn.");
            if (UserFilter is null) e.Add($"{p}UserFilter is required with {p}ServiceBindDn.");
        }
        if ((UserSearchBase is null) != (UserFilter is null))
            e.Add($"{p}UserSearchBase and {p}UserFilter go together.");
        if (UserFilter is not null && (!UserFilter.StartsWith('(') || !UserFilter.EndsWith(')') || !HasOnePlaceholder(UserFilter)))
            e.Add($"{p}UserFilter must be a parenthesized filter containing {{0}} exactly once, like (sAMAccountName={{0}}).");
        if (string.IsNullOrWhiteSpace(GroupAttribute) || !GroupAttribute.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or ';' or '.'))
            e.Add($"{p}GroupAttribute must be an attribute name like memberOf.");
        if (TimeoutMilliseconds is < 100 or > 30_000) e.Add($"{p}TimeoutMilliseconds must be 100-30000.");
        if (CacheSeconds is < 0 or > MaxCacheSeconds) e.Add($"{p}CacheSeconds must be 0-{MaxCacheSeconds}.");
        if (TrustedCaCertificates is not null) CheckCas(e, p);
        return e;
    }

    private void CheckUrl(List<string> e, string p)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ldaps" or "ldap") || uri.Host.Length == 0
            || uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            e.Add($"{p}Url must be ldaps://host:port or ldap://host:port (no path, no credentials).");
            return;
        }
        if (uri.Scheme == "ldaps" && StartTls) e.Add($"{p}StartTls applies to ldap:// only (ldaps:// is TLS from the start).");
        if (uri.Scheme == "ldap" && !StartTls && !IsLoopback(uri.Host))
            e.Add($"{p}Url ldap:// sends passwords in clear: use ldaps://, or {p}StartTls=true; plain ldap:// only to a loopback address.");
        ParsedUrl = uri;
    }

    private static bool IsLoopback(string host) => IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);

    private void CheckCas(List<string> e, string p)
    {
        var cas = new X509Certificate2Collection();
        try
        {
            cas.ImportFromPem(TrustedCaCertificates);
        }
        catch (CryptographicException)
        {
            cas.Clear();
        }
        if (OperatingSystem.IsWindows()) e.Add($"{p}TrustedCaCertificates works with the OpenLDAP client (Linux, macOS) only; on Windows trust the CA in the machine store.");
        if (cas.Count == 0) e.Add($"{p}TrustedCaCertificates must hold one or more PEM certificates (-----BEGIN CERTIFICATE-----).");
        TrustedCas = cas;
    }

    private static bool HasOnePlaceholder(string text)
    {
        var first = text.IndexOf("{0}", StringComparison.Ordinal);
        return first >= 0 && text.IndexOf("{0}", first + 3, StringComparison.Ordinal) < 0
            && text.Replace("{0}", "", StringComparison.Ordinal).IndexOfAny(['{', '}']) < 0;
    }

    /// <summary>
    /// The attribute the user name is matched against ("uid" in uid={0},…; "sAMAccountName" in (sAMAccountName={0})):
    /// its value, as the directory spells it, names the principal. Null when neither names one (the entry DN is used).
    /// </summary>
    internal string? NameAttribute => AttributeBefore(UserFilter) ?? AttributeBefore(BindDnTemplate);

    private static string? AttributeBefore(string? text)
    {
        var at = text?.IndexOf("={0}", StringComparison.Ordinal) ?? -1;
        if (at <= 0) return null;
        var start = at;
        while (start > 0 && (char.IsAsciiLetterOrDigit(text![start - 1]) || text[start - 1] is '-' or '.' or ';')) start--;
        return start < at ? text![start..at] : null;
    }

    internal void ThrowIfInvalid() => AuthorizerConfigurationException.ThrowIfAny(SectionName, Validate());
}

/// <summary>Source-generated JSON for the one-value form of the group maps.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DirectoryJsonContext : JsonSerializerContext;
