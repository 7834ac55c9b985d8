using Microsoft.IdentityModel.Tokens;

namespace SecureApi.Authorizers;

/// <summary>
/// One registry entry made ready for decisions: its own key cache (nothing is fetched before its first token, and its
/// keys never verify another issuer's token, whatever the kid), its validation parameters and its claim mapping.
/// </summary>
internal sealed class TrustedIssuer
{
    private sealed record Validation(SigningKeyCache.KeySnapshot Keys, TokenValidationParameters Parameters);
    private Validation? _validation; // a reference: read and replaced atomically
    private readonly TokenValidationParameters _baseParameters;

    public TokenIssuerOptions Options { get; }
    public string Name { get; }
    public IssuerProfile Profile { get; }
    public SigningKeyCache Keys { get; }
    public IReadOnlyList<string> Algorithms { get; }
    public IReadOnlyList<string> RoleClaims { get; }
    public IReadOnlyList<string> PermissionClaims { get; }
    public string AudienceClaim { get; }
    public bool AudienceIsAud { get; }
    public string? RequiredTokenUse { get; }
    public IReadOnlyList<(string Iss, string? TenantId)> AcceptedIssuers { get; }

    public TrustedIssuer(TokenIssuerOptions options, TokenAuthorizerOptions shared, HttpClient? http, TimeProvider time)
    {
        Options = options;
        Name = options.Name!;
        Profile = IssuerProfiles.Find(options.Profile)!;
        AcceptedIssuers = [.. options.AcceptedIssuers()];
        Algorithms = shared.AlgorithmsFor(symmetric: options.SymmetricKey is not null);
        RoleClaims = options.RoleClaims ?? [.. Profile.RoleClaims];
        PermissionClaims = options.PermissionClaims ?? [.. Profile.PermissionClaims];
        AudienceClaim = options.AudienceClaim ?? Profile.AudienceClaim;
        AudienceIsAud = string.Equals(AudienceClaim, "aud", StringComparison.Ordinal);
        RequiredTokenUse = options.RequiredTokenUse ?? Profile.RequiredTokenUse;
        Keys = new SigningKeyCache(options, shared, http, time);

        var accepted = AcceptedIssuers.Select(a => a.Iss).ToArray();
        _baseParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuers = accepted,
            // Exact, ordinal issuer match: no case or trailing-slash leniency.
            IssuerValidator = (iss, _, _) => accepted.Contains(iss, StringComparer.Ordinal)
                ? iss : throw new SecurityTokenInvalidIssuerException("Issuer does not match."),
            // With AudienceClaim other than aud (Cognito access tokens: client_id, no aud) that claim is checked by the authorizer.
            ValidateAudience = AudienceIsAud,
            ValidAudiences = options.Audiences.ToArray(),
            IgnoreTrailingSlashWhenValidatingAudience = false,
            IgnoreCaseWhenValidatingAudience = false,
            RequireAudience = AudienceIsAud,
            TypeValidator = options.RequiredTokenType is { } requiredType
                ? (typ, _, _) => TokenAuthorizer.TokenTypeMatches(typ, requiredType) ? typ : throw new SecurityTokenInvalidTypeException("Token type does not match.")
                : null,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(shared.ClockSkewSeconds),
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = Algorithms.ToArray(),
            TryAllIssuerSigningKeys = true,
            ValidateTokenReplay = false,
            SaveSigninToken = false,
            LogValidationExceptions = false,
        };
    }

    /// <summary>One TokenValidationParameters per key set of this issuer (cheap per call, safe under concurrency).</summary>
    public TokenValidationParameters ParametersFor(SigningKeyCache.KeySnapshot keys)
    {
        var current = _validation;
        if (current is not null && ReferenceEquals(current.Keys, keys)) return current.Parameters;
        var parameters = _baseParameters.Clone();
        parameters.IssuerSigningKeys = keys.Keys;
        _validation = new Validation(keys, parameters);
        return parameters;
    }
}
