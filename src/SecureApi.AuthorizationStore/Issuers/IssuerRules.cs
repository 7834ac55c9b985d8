namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>The profile names an entry may carry (the profiles themselves live with the TOKEN authorizer).</summary>
public static class IssuerProfileNames
{
    public const string Generic = "generic";
    public const string Entra = "entra";
    public const string Okta = "okta";
    public const string Auth0 = "auth0";
    public const string Cognito = "cognito";
    public const string Keycloak = "keycloak";
    public const string Google = "google";

    public static IReadOnlyList<string> All { get; } = [Generic, Entra, Okta, Auth0, Cognito, Keycloak, Google];
}

/// <summary>One problem with an entry: the field (its setting name, PascalCase) and a message naming it.</summary>
public readonly record struct IssuerProblem(string Field, string Message);

/// <summary>
/// The one home of the rules for a registry entry (docs/identity-providers.md), for the configured issuers
/// (TokenIssuerOptions, fields named TokenAuthorizer__Issuers__N__…) and the admin API (fields in camelCase).
/// <paramref name="fieldName"/> turns a setting name (e.g. "JwksUri") into the name the caller knows.
/// </summary>
public static class IssuerRules
{
    public static IReadOnlyList<IssuerProblem> Validate(IssuerEntry e, string? symmetricKey, Func<string, string> fieldName, bool requireHttps)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(fieldName);
        var problems = new List<IssuerProblem>();
        void Add(string field, string message) => problems.Add(new(fieldName(field), message));
        string F(string field) => fieldName(field);

        if (!IsValidName(e.Name))
            Add("Name", NameRule(F("Name")));
        var known = IssuerProfileNames.All.Contains(e.Profile, StringComparer.Ordinal);
        if (!known) Add("Profile", $"{F("Profile")} must be one of {string.Join(", ", IssuerProfileNames.All)}.");
        var entra = e.Profile == IssuerProfileNames.Entra;
        if (string.IsNullOrWhiteSpace(e.Issuer) && !(entra && e.TenantIds.Count > 0))
        {
            if (entra) Add("TenantIds", $"{F("TenantIds")} is required for the entra profile (or {F("Issuer")}; never any tenant).");
            else Add("Issuer", $"{F("Issuer")} is required (the exact iss value of accepted tokens).");
        }
        if (entra && !string.IsNullOrWhiteSpace(e.Issuer) && EntraTenantOf(e.Issuer) is null)
            Add("Issuer", $"{F("Issuer")} of the entra profile must name one tenant (…/{{tenant id}}/v2.0 or https://sts.windows.net/{{tenant id}}/).");
        if (!entra && e.TenantIds.Count > 0) Add("TenantIds", $"{F("TenantIds")} applies to the entra profile only.");
        foreach (var tid in e.TenantIds)
            if (!Guid.TryParseExact(tid, "D", out _)) Add("TenantIds", $"{F("TenantIds")} contains '{tid}', which is not a tenant id (a GUID).");
        if (e.Profile != IssuerProfileNames.Google && e.HostedDomains.Count > 0) Add("HostedDomains", $"{F("HostedDomains")} applies to the google profile only.");
        if (e.Audiences.Count == 0) Add("Audiences", $"{F("Audiences")} is required (accepted aud values, or app client ids for cognito).");
        OneWord("AudienceClaim", e.AudienceClaim, "must be one claim name (aud, or client_id for Cognito access tokens).");
        OneWord("RequiredTokenType", e.RequiredTokenType, "must be one media type (e.g. at+jwt).");
        OneWord("RequiredTokenUse", e.RequiredTokenUse, "must be one word (e.g. access).");
        if (e.RoleClaims is { Count: 0 }) Add("RoleClaims", $"{F("RoleClaims")} must name at least one claim.");
        if (e.PermissionClaims is { Count: 0 }) Add("PermissionClaims", $"{F("PermissionClaims")} must name at least one claim.");

        var sources = new[] { e.MetadataAddress, e.JwksUri, e.Jwks, symmetricKey }.Count(s => !string.IsNullOrWhiteSpace(s));
        if (sources != 1)
            Add(string.IsNullOrWhiteSpace(e.MetadataAddress) ? "JwksUri" : "MetadataAddress", symmetricKey is null && e.Name != "default"
                ? $"Exactly one key source is required: {F("MetadataAddress")}, {F("JwksUri")} or {F("Jwks")} (found {sources})."
                : $"Exactly one key source is required: {F("MetadataAddress")}, {F("JwksUri")}, {F("Jwks")} or {F("SymmetricKey")} (found {sources}).");
        Url("MetadataAddress", e.MetadataAddress);
        Url("JwksUri", e.JwksUri);
        return problems;

        void OneWord(string field, string? value, string rule)
        {
            if (value is not null && (value.Length == 0 || value.Any(char.IsWhiteSpace))) Add(field, $"{F(field)} {rule}");
        }

        void Url(string field, string? value)
        {
            if (value is null) return;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                Add(field, $"{F(field)} must be an absolute http(s) URL.");
            else if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
                Add(field, $"{F(field)} must use https (set TokenAuthorizer__RequireHttpsMetadata=false only for local development).");
        }
    }

    public static bool IsValidName(string? name) => name is not null && TokenSubjects.IsIssuerName(name);

    public static string NameRule(string field) =>
        $"{field} must be 1–{TokenSubjects.MaxIssuerNameLength} characters of a-z, 0-9 and - (it prefixes the subject: name:sub).";

    /// <summary>The tenant id (a GUID path segment) of an Entra issuer URL; null when it has none.</summary>
    public static string? EntraTenantOf(string issuer) =>
        Uri.TryCreate(issuer, UriKind.Absolute, out var uri)
            ? uri.Segments.Select(s => s.TrimEnd('/')).FirstOrDefault(s => Guid.TryParseExact(s, "D", out _))
            : null;
}
