using SecureApi.AuthorizationStore;

namespace SecureApi.TokenService.Saml;

/// <summary>
/// Settings of the SAML bearer grant (section "Saml", env vars Saml__Audience…; docs/saml.md): who we are to the
/// IdPs (Audience, TokenEndpoint = the Recipient), what we mint (TokenIssuer, TokenAudience, lifetime), the signing
/// key (KMS when KmsKeyId is set, else a key generated per run) and the trusted IdPs.
/// </summary>
public sealed class SamlOptions
{
    public const string SectionName = "Saml";
    public const int DefaultTokenLifetimeSeconds = 900;
    public const int MaxTokenLifetimeSeconds = 3600;
    public const int DefaultMaxClockSkewSeconds = 60;
    public const int MaxMaxClockSkewSeconds = 300;

    /// <summary>Our SP entity id: an assertion's Audience must be exactly this.</summary>
    public string? Audience { get; set; }

    /// <summary>The absolute URL of POST /oauth2/token: the bearer SubjectConfirmationData's Recipient.</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>The minted token's iss (what the TOKEN authorizer is told to trust).</summary>
    public string? TokenIssuer { get; set; }

    /// <summary>The minted token's aud: the API's audience, as the TOKEN authorizer expects it.</summary>
    public string? TokenAudience { get; set; }

    public int TokenLifetimeSeconds { get; set; } = DefaultTokenLifetimeSeconds;
    public int MaxClockSkewSeconds { get; set; } = DefaultMaxClockSkewSeconds;

    /// <summary>KMS asymmetric key (RSA_2048, SIGN_VERIFY) that signs the tokens; empty → an RSA key generated per run.</summary>
    public string? KmsKeyId { get; set; }
    public string? KmsServiceUrl { get; set; }
    public string? KmsRegion { get; set; }

    public List<IdentityProvider> IdentityProviders { get; } = [];

    public TimeSpan TokenLifetime => TimeSpan.FromSeconds(TokenLifetimeSeconds);
    public TimeSpan MaxClockSkew => TimeSpan.FromSeconds(MaxClockSkewSeconds);

    private readonly List<string> _errors = [];

    public static SamlOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var o = new SamlOptions();
        var r = new ConfigReader(section, SectionName, o._errors);
        o.Audience = r.String(nameof(Audience));
        o.TokenEndpoint = r.String(nameof(TokenEndpoint));
        o.TokenIssuer = r.String(nameof(TokenIssuer));
        o.TokenAudience = r.String(nameof(TokenAudience));
        o.TokenLifetimeSeconds = r.Int(nameof(TokenLifetimeSeconds), o.TokenLifetimeSeconds);
        o.MaxClockSkewSeconds = r.Int(nameof(MaxClockSkewSeconds), o.MaxClockSkewSeconds);
        o.KmsKeyId = r.String(nameof(KmsKeyId));
        o.KmsServiceUrl = r.String(nameof(KmsServiceUrl));
        o.KmsRegion = r.String(nameof(KmsRegion));
        foreach (var child in section.GetSection(nameof(IdentityProviders)).GetChildren())
        {
            var prefix = $"{SectionName}__{nameof(IdentityProviders)}__{child.Key}__";
            if (IdentityProvider.FromConfiguration(child, prefix, o._errors) is { } idp) o.IdentityProviders.Add(idp);
        }
        return o;
    }

    /// <summary>Every problem, as messages naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>(_errors);
        const string p = SectionName + "__";
        if (Audience is null) e.Add($"{p}Audience (our SP entity id) is required.");
        if (!IsAbsoluteHttpUrl(TokenEndpoint)) e.Add($"{p}TokenEndpoint must be the absolute http(s) URL of POST /oauth2/token.");
        if (TokenIssuer is null) e.Add($"{p}TokenIssuer (the minted tokens' iss) is required.");
        if (TokenAudience is null) e.Add($"{p}TokenAudience (the minted tokens' aud, the API's audience) is required.");
        if (TokenLifetimeSeconds is < 60 or > MaxTokenLifetimeSeconds) e.Add($"{p}TokenLifetimeSeconds must be 60-{MaxTokenLifetimeSeconds}.");
        if (MaxClockSkewSeconds > MaxMaxClockSkewSeconds) e.Add($"{p}MaxClockSkewSeconds must be 0-{MaxMaxClockSkewSeconds}.");
        if (KmsServiceUrl is not null && !IsAbsoluteHttpUrl(KmsServiceUrl)) e.Add($"{p}KmsServiceUrl must be an absolute http(s) URL.");
        if (KmsServiceUrl is not null && KmsKeyId is null) e.Add($"{p}KmsServiceUrl is set but {p}KmsKeyId is not.");
        foreach (var dup in IdentityProviders.GroupBy(i => i.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            e.Add($"{p}IdentityProviders: the name '{dup.Key}' is used twice.");
        foreach (var dup in IdentityProviders.GroupBy(i => i.EntityId, StringComparer.Ordinal).Where(g => g.Count() > 1))
            e.Add($"{p}IdentityProviders: the EntityId '{dup.Key}' is used twice.");
        return e;
    }

    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new InvalidOperationException("Invalid SAML settings: " + string.Join(" ", errors));
    }

    private static bool IsAbsoluteHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https";
}
