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

    /// <summary>Profile of the single issuer (generic default; see <see cref="TokenIssuerOptions.Profile"/>).</summary>
    public string Profile { get; set; } = IssuerProfiles.Generic;

    /// <summary>entra profile of the single issuer: accepted tenants.</summary>
    public List<string> TenantIds { get; set; } = [];

    /// <summary>google profile of the single issuer: accepted hd values.</summary>
    public List<string> HostedDomains { get; set; } = [];

    /// <summary>amr values that count as MFA from the single issuer; null → amr as sent.</summary>
    public List<string>? StepUpAmr { get; set; }

    /// <summary>acrs values that count as MFA from the single issuer (entra); null → none.</summary>
    public List<string>? StepUpAcrs { get; set; }

    /// <summary>
    /// More trusted issuers (TokenAuthorizer__Issuers__N__Name, __Issuer, …). The single-issuer settings above, when
    /// given, are one more entry named "default".
    /// </summary>
    public List<TokenIssuerOptions> Issuers { get; set; } = [];

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

    /// <summary>Claims read for the role context value (first non-empty wins; arrays are joined with commas). Null:
    /// the profile's (generic: role, roles, cognito:groups).</summary>
    public List<string>? RoleClaims { get; set; }

    /// <summary>Claims read for permissions (all are merged; scope/scp are space separated; arrays supported). Null:
    /// the profile's (generic: scope, scp, permissions).</summary>
    public List<string>? PermissionClaims { get; set; }

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
        o.RoleClaims = r.List(nameof(RoleClaims));
        o.PermissionClaims = r.List(nameof(PermissionClaims));
        o.Profile = r.String(nameof(Profile)) ?? o.Profile;
        o.TenantIds = r.List(nameof(TenantIds)) ?? [];
        o.HostedDomains = r.List(nameof(HostedDomains)) ?? [];
        o.StepUpAmr = r.List(nameof(StepUpAmr));
        o.StepUpAcrs = r.List(nameof(StepUpAcrs));
        foreach (var child in section.GetSection(nameof(Issuers)).GetChildren())
            o.Issuers.Add(TokenIssuerOptions.Read(new ConfigReader(child, $"{SectionName}__{nameof(Issuers)}__{child.Key}", o._bindErrors), name: null));
        return o;
    }

    /// <summary>The algorithms actually accepted.</summary>
    public IReadOnlyList<string> EffectiveAlgorithms => AlgorithmsFor(SymmetricKey is not null);

    internal IReadOnlyList<string> AlgorithmsFor(bool symmetric) =>
        Algorithms is { Count: > 0 } ? Algorithms : symmetric ? ["HS256"] : ["RS256", "ES256"];

    /// <summary>The single-issuer settings count as an entry when any is given, or when no Issuers are listed.</summary>
    private bool HasDefaultIssuer =>
        Issuers.Count == 0 || new[] { Issuer, MetadataAddress, JwksUri, Jwks, SymmetricKey }.Any(s => !string.IsNullOrWhiteSpace(s));

    /// <summary>The registry's entries: the single-issuer settings as "default" (when given), then Issuers.</summary>
    internal IEnumerable<TokenIssuerOptions> AllIssuers() => HasDefaultIssuer ? Issuers.Prepend(DefaultIssuer()) : Issuers;

    private TokenIssuerOptions DefaultIssuer() => new()
    {
        Name = TokenIssuerOptions.DefaultName, Issuer = Issuer, Audiences = Audiences,
        AudienceClaim = AudienceClaim == "aud" && Profile != IssuerProfiles.Generic ? null : AudienceClaim,
        RequiredTokenType = RequiredTokenType, RequiredTokenUse = RequiredTokenUse,
        MetadataAddress = MetadataAddress, JwksUri = JwksUri, Jwks = Jwks, SymmetricKey = SymmetricKey,
        Profile = Profile, RoleClaims = RoleClaims, PermissionClaims = PermissionClaims,
        TenantIds = TenantIds, HostedDomains = HostedDomains, StepUpAmr = StepUpAmr, StepUpAcrs = StepUpAcrs,
    };

    /// <summary>Every problem with these settings, as messages naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>(_bindErrors);
        const string p = SectionName + "__";
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var accepted = new Dictionary<string, string>(StringComparer.Ordinal);
        var listed = HasDefaultIssuer ? -1 : 0;
        foreach (var issuer in AllIssuers())
        {
            var prefix = listed < 0 ? p : $"{p}{nameof(Issuers)}__{listed}__";
            listed++;
            e.AddRange(issuer.Validate(prefix, RequireHttpsMetadata));
            if (issuer.Name is { } name && !names.TryAdd(name, prefix))
                e.Add($"{prefix}Name '{name}' is already the name of another issuer ({names[name]}Name; names are unique).");
            foreach (var (iss, _) in issuer.AcceptedIssuers())
                if (!accepted.TryAdd(iss, prefix)) e.Add($"{prefix}Issuer '{iss}' is already accepted by {accepted[iss]} (one entry per iss).");
        }
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
        return e;
    }

    internal void ThrowIfInvalid() => AuthorizerConfigurationException.ThrowIfAny(SectionName, Validate());
}
