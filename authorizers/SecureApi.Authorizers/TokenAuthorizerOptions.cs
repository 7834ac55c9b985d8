using SecureApi.AuthorizationStore;
using Microsoft.Extensions.Configuration;

namespace SecureApi.Authorizers;

/// <summary>
/// Settings of the TOKEN authorizer (configuration section "TokenAuthorizer"; env vars TokenAuthorizer__Issuer…).
/// Secure defaults: RS256/ES256 only, 30 s clock skew, HTTPS-only key endpoints, 8 KiB token cap, 2 s fetch bound.
/// Exactly one key source: MetadataAddress (OIDC discovery), JwksUri, Jwks (static JSON) or SymmetricKey.
/// </summary>
public sealed class TokenAuthorizerOptions
{
    public const string SectionName = "TokenAuthorizer";
    internal static readonly string[] KnownAlgorithms =
        ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512"];

    /// <summary>Required. Compared ordinally with the token's iss: no case or trailing-slash leniency.</summary>
    public string? Issuer { get; set; }

    /// <summary>Required. One or more accepted aud values (comma-separated in configuration), exact match.</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>
    /// The claim compared with <see cref="Audiences"/>: "aud" (default) or, for IdPs whose access tokens name the app
    /// client in another claim and carry no aud (Cognito: "client_id"), that claim. It must be a string equal to one
    /// of Audiences; aud is then not checked.
    /// </summary>
    public string AudienceClaim { get; set; } = "aud";

    /// <summary>
    /// When set, the header typ must equal it (e.g. "at+jwt", RFC 9068): case-insensitive, with or without the
    /// "application/" prefix. Default none: typ is not checked.
    /// </summary>
    public string? RequiredTokenType { get; set; }

    /// <summary>When set, the token_use claim must be exactly this string (Cognito: "access"). Default none.</summary>
    public string? RequiredTokenUse { get; set; }

    /// <summary>OpenID Connect discovery document URL (…/.well-known/openid-configuration); keys from its jwks_uri.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>JWKS URL, fetched directly.</summary>
    public string? JwksUri { get; set; }

    /// <summary>A static JWKS JSON document (offline use, tests).</summary>
    public string? Jwks { get; set; }

    /// <summary>Base64 of a ≥ 32-byte HMAC key. Only this setting makes HS256/384/512 acceptable.</summary>
    public string? SymmetricKey { get; set; }

    /// <summary>Accepted "alg" values. Default RS256,ES256 (HS256 when SymmetricKey is set). "none" is never accepted.</summary>
    public List<string>? Algorithms { get; set; }

    /// <summary>Allowed clock difference for exp/nbf, 0–300 s; default 30.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>
    /// Longest accepted token lifetime, 60–31536000 s; default 86400 (24 h). Lifetime is exp − iat; without iat,
    /// exp − nbf; without both, exp − now (so such a token must expire within this time from when it is presented).
    /// </summary>
    public int MaxTokenLifetimeSeconds { get; set; } = 86400;

    /// <summary>Longest accepted Authorization value (checked before any parsing); default 8192 chars.</summary>
    public int MaxTokenLength { get; set; } = 8192;

    /// <summary>Bound on one discovery/JWKS fetch; the decision is 401 when it is exceeded. Default 2000 ms.</summary>
    public int KeyFetchTimeoutMs { get; set; } = 2000;

    /// <summary>Minimum time between two key refreshes caused by unknown kids (counted between those refreshes only,
    /// not from the initial or scheduled load), and between retries of a failed load; 1–86400, default 60 s.</summary>
    public int KeyRefreshMinIntervalSeconds { get; set; } = 60;

    /// <summary>Keys are re-fetched after this age even without an unknown kid; default 3600 s.</summary>
    public int KeyCacheSeconds { get; set; } = 3600;

    /// <summary>Key endpoints must be https (set false only for loopback tests/local development).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Claims read for the role context value (first non-empty wins; arrays are joined with commas).</summary>
    public List<string> RoleClaims { get; set; } = ["role", "roles", "cognito:groups"];

    /// <summary>Claims read for permissions (all are merged; scope/scp are space separated; arrays supported).</summary>
    public List<string> PermissionClaims { get; set; } = ["scope", "scp", "permissions"];

    /// <summary>The route table policies are built from (not bound from configuration).</summary>
    public RouteRules Routes { get; set; } = RouteRules.Default;

    private readonly List<string> _bindErrors = [];

    /// <summary>Reads the "TokenAuthorizer" section (pass the section itself). Call <see cref="Validate"/> next.</summary>
    public static TokenAuthorizerOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var o = new TokenAuthorizerOptions();
        var r = new ConfigReader(section, SectionName, o._bindErrors);
        o.Issuer = r.String(nameof(Issuer));
        o.Audiences = r.List(nameof(Audiences)) ?? r.List("Audience") ?? [];
        o.AudienceClaim = r.String(nameof(AudienceClaim)) ?? o.AudienceClaim;
        o.RequiredTokenType = r.String(nameof(RequiredTokenType));
        o.RequiredTokenUse = r.String(nameof(RequiredTokenUse));
        o.MetadataAddress = r.String(nameof(MetadataAddress));
        o.JwksUri = r.String(nameof(JwksUri));
        o.Jwks = r.String(nameof(Jwks));
        o.SymmetricKey = r.String(nameof(SymmetricKey));
        o.Algorithms = r.List(nameof(Algorithms));
        o.ClockSkewSeconds = r.Int(nameof(ClockSkewSeconds), o.ClockSkewSeconds);
        o.MaxTokenLifetimeSeconds = r.Int(nameof(MaxTokenLifetimeSeconds), o.MaxTokenLifetimeSeconds);
        o.MaxTokenLength = r.Int(nameof(MaxTokenLength), o.MaxTokenLength);
        o.KeyFetchTimeoutMs = r.Int(nameof(KeyFetchTimeoutMs), o.KeyFetchTimeoutMs);
        o.KeyRefreshMinIntervalSeconds = r.Int(nameof(KeyRefreshMinIntervalSeconds), o.KeyRefreshMinIntervalSeconds);
        o.KeyCacheSeconds = r.Int(nameof(KeyCacheSeconds), o.KeyCacheSeconds);
        o.RequireHttpsMetadata = r.Bool(nameof(RequireHttpsMetadata), o.RequireHttpsMetadata);
        o.RoleClaims = r.List(nameof(RoleClaims)) ?? o.RoleClaims;
        o.PermissionClaims = r.List(nameof(PermissionClaims)) ?? o.PermissionClaims;
        return o;
    }

    /// <summary>The algorithms actually accepted.</summary>
    public IReadOnlyList<string> EffectiveAlgorithms =>
        Algorithms is { Count: > 0 } ? Algorithms : SymmetricKey is not null ? ["HS256"] : ["RS256", "ES256"];

    /// <summary>Every problem with these settings, as messages naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>(_bindErrors);
        const string p = SectionName + "__";
        if (string.IsNullOrWhiteSpace(Issuer)) e.Add($"{p}Issuer is required (the exact iss value of accepted tokens).");
        if (Audiences.Count == 0) e.Add($"{p}Audiences is required (comma-separated accepted aud values, or app client ids with {p}AudienceClaim=client_id).");
        if (string.IsNullOrEmpty(AudienceClaim) || AudienceClaim.Any(char.IsWhiteSpace))
            e.Add($"{p}AudienceClaim must be one claim name (aud, or client_id for Cognito access tokens).");
        if (RequiredTokenType is not null && (RequiredTokenType.Length == 0 || RequiredTokenType.Any(char.IsWhiteSpace)))
            e.Add($"{p}RequiredTokenType must be one media type (e.g. at+jwt).");
        if (RequiredTokenUse is not null && (RequiredTokenUse.Length == 0 || RequiredTokenUse.Any(char.IsWhiteSpace)))
            e.Add($"{p}RequiredTokenUse must be one word (e.g. access).");

        var sources = new[] { MetadataAddress, JwksUri, Jwks, SymmetricKey }.Count(s => !string.IsNullOrWhiteSpace(s));
        if (sources != 1)
            e.Add($"Exactly one key source is required: {p}MetadataAddress, {p}JwksUri, {p}Jwks or {p}SymmetricKey (found {sources}).");
        CheckUrl(e, p + nameof(MetadataAddress), MetadataAddress);
        CheckUrl(e, p + nameof(JwksUri), JwksUri);
        if (SymmetricKey is not null)
        {
            var bytes = new byte[SymmetricKey.Length];
            if (!Convert.TryFromBase64String(SymmetricKey, bytes, out var n)) e.Add($"{p}SymmetricKey must be base64.");
            else if (n < 32) e.Add($"{p}SymmetricKey must be at least 32 bytes (256 bits) once base64-decoded.");
        }

        foreach (var alg in EffectiveAlgorithms)
        {
            if (!KnownAlgorithms.Contains(alg, StringComparer.Ordinal))
                e.Add($"{p}Algorithms contains '{alg}', which is not one of {string.Join(",", KnownAlgorithms)} (alg none is never accepted).");
            else if (alg.StartsWith("HS", StringComparison.Ordinal) && SymmetricKey is null)
                e.Add($"{p}Algorithms contains {alg}, which is allowed only with {p}SymmetricKey.");
            else if (!alg.StartsWith("HS", StringComparison.Ordinal) && SymmetricKey is not null)
                e.Add($"{p}Algorithms contains {alg}, but {p}SymmetricKey only verifies HS256/HS384/HS512.");
        }
        if (ClockSkewSeconds is < 0 or > 300) e.Add($"{p}ClockSkewSeconds must be between 0 and 300.");
        if (MaxTokenLifetimeSeconds is < 60 or > 31536000) e.Add($"{p}MaxTokenLifetimeSeconds must be between 60 and 31536000.");
        if (MaxTokenLength is < 256 or > 65536) e.Add($"{p}MaxTokenLength must be between 256 and 65536.");
        if (KeyFetchTimeoutMs is < 50 or > 25000) e.Add($"{p}KeyFetchTimeoutMs must be between 50 and 25000.");
        if (KeyRefreshMinIntervalSeconds is < 1 or > 86400) e.Add($"{p}KeyRefreshMinIntervalSeconds must be between 1 and 86400.");
        if (KeyCacheSeconds is < 60 or > 86400) e.Add($"{p}KeyCacheSeconds must be between 60 and 86400.");
        if (RoleClaims.Count == 0) e.Add($"{p}RoleClaims must name at least one claim.");
        if (PermissionClaims.Count == 0) e.Add($"{p}PermissionClaims must name at least one claim.");
        return e;

        void CheckUrl(List<string> errors, string name, string? value)
        {
            if (value is null) return;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                errors.Add($"{name} must be an absolute http(s) URL.");
            else if (RequireHttpsMetadata && uri.Scheme != Uri.UriSchemeHttps)
                errors.Add($"{name} must use https (set {p}RequireHttpsMetadata=false only for local development).");
        }
    }

    internal void ThrowIfInvalid() => AuthorizerConfigurationException.ThrowIfAny(SectionName, Validate());
}
