using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;

namespace SecureApi.Authorizers;

/// <summary>
/// One trusted issuer of the registry (docs/identity-providers.md): TokenAuthorizer__Issuers__N__Name, __Issuer, …
/// The single-issuer settings (TokenAuthorizer__Issuer, …) make one of these named <see cref="DefaultName"/>.
/// Settings shared by every issuer (algorithms, clock skew, lifetime, fetch bounds) stay on the section itself.
/// </summary>
public sealed class TokenIssuerOptions
{
    public const string DefaultName = "default";
    public const int MaxNameLength = TokenSubjects.MaxIssuerNameLength;

    /// <summary>1–32 of a-z 0-9 -, unique: the issuer part of a token subject's identity ({Name}:{sub}).</summary>
    public string? Name { get; set; }

    /// <summary>The exact iss (ordinal). Optional for the entra profile, whose accepted iss come from TenantIds.</summary>
    public string? Issuer { get; set; }

    public List<string> Audiences { get; set; } = [];

    /// <summary>Null: the profile's (client_id for cognito, aud otherwise).</summary>
    public string? AudienceClaim { get; set; }

    public string? RequiredTokenType { get; set; }

    /// <summary>Null: the profile's (access for cognito, none otherwise).</summary>
    public string? RequiredTokenUse { get; set; }

    public string? MetadataAddress { get; set; }
    public string? JwksUri { get; set; }
    public string? Jwks { get; set; }

    /// <summary>HMAC key: only the single-issuer settings may carry one (development tokens).</summary>
    public string? SymmetricKey { get; set; }

    /// <summary>generic (default), entra, okta, auth0, cognito, keycloak or google (<see cref="IssuerProfiles"/>).</summary>
    public string Profile { get; set; } = IssuerProfiles.Generic;

    /// <summary>Override the profile's role claims (first non-empty wins); null → the profile's.</summary>
    public List<string>? RoleClaims { get; set; }

    /// <summary>Override the profile's permission claims (all merged); null → the profile's.</summary>
    public List<string>? PermissionClaims { get; set; }

    /// <summary>entra: the tenants whose v1 and v2 issuers are accepted (tid must match). Never "any tenant".</summary>
    public List<string> TenantIds { get; set; } = [];

    /// <summary>google: when set, hd must be one of these.</summary>
    public List<string> HostedDomains { get; set; } = [];

    /// <summary>amr values that count as MFA from this issuer (the API's step-up then sees "mfa"); null → amr as sent.</summary>
    public List<string>? StepUpAmr { get; set; }

    /// <summary>entra: acrs authentication-context values that count as MFA from this issuer.</summary>
    public List<string>? StepUpAcrs { get; set; }

    internal static TokenIssuerOptions Read(ConfigReader r, string? name) => new()
    {
        Name = name ?? r.String(nameof(Name)),
        Issuer = r.String(nameof(Issuer)),
        Audiences = r.List(nameof(Audiences)) ?? r.List("Audience") ?? [],
        AudienceClaim = r.String(nameof(AudienceClaim)),
        RequiredTokenType = r.String(nameof(RequiredTokenType)),
        RequiredTokenUse = r.String(nameof(RequiredTokenUse)),
        MetadataAddress = r.String(nameof(MetadataAddress)),
        JwksUri = r.String(nameof(JwksUri)),
        Jwks = r.String(nameof(Jwks)),
        Profile = r.String(nameof(Profile)) ?? IssuerProfiles.Generic,
        RoleClaims = r.List(nameof(RoleClaims)),
        PermissionClaims = r.List(nameof(PermissionClaims)),
        TenantIds = r.List(nameof(TenantIds)) ?? [],
        HostedDomains = r.List(nameof(HostedDomains)) ?? [],
        StepUpAmr = r.List(nameof(StepUpAmr)),
        StepUpAcrs = r.List(nameof(StepUpAcrs)),
    };

    public static bool IsValidName(string? name) => name is not null && TokenSubjects.IsIssuerName(name);

    /// <summary>Every problem with this entry, each naming its setting under <paramref name="p"/> (e.g. "TokenAuthorizer__Issuers__0__").</summary>
    public IReadOnlyList<string> Validate(string p, bool requireHttps) =>
        [.. IssuerRules.Validate(ToEntry(), SymmetricKey, field => p + field, requireHttps).Select(problem => problem.Message)];

    /// <summary>The entry as the run-time registry stores it (no SymmetricKey: only the single-issuer settings carry one).</summary>
    public IssuerEntry ToEntry() => new()
    {
        Name = Name ?? "", Issuer = Issuer, Audiences = Audiences, AudienceClaim = AudienceClaim, RequiredTokenType = RequiredTokenType,
        RequiredTokenUse = RequiredTokenUse, MetadataAddress = MetadataAddress, JwksUri = JwksUri, Jwks = Jwks, Profile = Profile,
        RoleClaims = RoleClaims, PermissionClaims = PermissionClaims, TenantIds = TenantIds, HostedDomains = HostedDomains,
        StepUpAmr = StepUpAmr, StepUpAcrs = StepUpAcrs,
    };

    /// <summary>A stored entry as the options the authorizer builds its issuers from.</summary>
    public static TokenIssuerOptions From(IssuerEntry e) => new()
    {
        Name = e.Name, Issuer = e.Issuer, Audiences = [.. e.Audiences], AudienceClaim = e.AudienceClaim, RequiredTokenType = e.RequiredTokenType,
        RequiredTokenUse = e.RequiredTokenUse, MetadataAddress = e.MetadataAddress, JwksUri = e.JwksUri, Jwks = e.Jwks, Profile = e.Profile,
        RoleClaims = e.RoleClaims?.ToList(), PermissionClaims = e.PermissionClaims?.ToList(), TenantIds = [.. e.TenantIds],
        HostedDomains = [.. e.HostedDomains], StepUpAmr = e.StepUpAmr?.ToList(), StepUpAcrs = e.StepUpAcrs?.ToList(),
    };

    /// <summary>Every iss this entry accepts: Issuer, and for entra the v2 and v1 issuer of each tenant in TenantIds.</summary>
    internal IEnumerable<(string Iss, string? TenantId)> AcceptedIssuers()
    {
        var entra = string.Equals(Profile, IssuerProfiles.Entra, StringComparison.Ordinal);
        var issuer = string.IsNullOrWhiteSpace(Issuer) ? null : Issuer;
        if (issuer is not null) yield return (issuer, entra ? TenantOf(issuer) : null);
        if (!entra) yield break;
        foreach (var tid in TenantIds.Distinct(StringComparer.Ordinal))
        {
            // Issuer may already be one of the tenant's two forms: each iss is listed once.
            var v2 = $"https://login.microsoftonline.com/{tid}/v2.0";
            var v1 = $"https://sts.windows.net/{tid}/";
            if (v2 != issuer) yield return (v2, tid);
            if (v1 != issuer) yield return (v1, tid);
        }
    }

    /// <summary>The tenant id (a GUID path segment) of an Entra issuer URL; null when it has none.</summary>
    private static string? TenantOf(string issuer) => IssuerRules.EntraTenantOf(issuer);
}
