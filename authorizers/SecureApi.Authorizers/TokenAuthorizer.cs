using System.Diagnostics;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Authorizers;

/// <summary>
/// TOKEN authorizer: "Bearer &lt;JWT&gt;" validated by Microsoft.IdentityModel's JsonWebTokenHandler with every
/// lenient default turned off. Any exception or timeout is Unauthorized (fail closed).
/// </summary>
public sealed class TokenAuthorizer
{
    private const string BearerPrefix = "Bearer ";

    private readonly TokenAuthorizerOptions _options;
    private readonly IssuerRegistry _issuers;
    private readonly TimeProvider _time;
    private readonly DecisionLog _log;
    private readonly PolicyBuilder _policy;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TimeSpan _maxLifetime;
    private readonly IAuthorizationStore? _store;
    private readonly StoredIssuers? _stored;

    /// <param name="httpClient">Used for discovery/JWKS fetches (required when an issuer has MetadataAddress/JwksUri).</param>
    /// <param name="timeProvider">Clock for key caching and refresh limits; defaults to the system clock. (Token
    /// lifetime is checked by JsonWebTokenHandler against the system clock.)</param>
    /// <param name="decisionLog">Receives one JSON line per decision; null for none.</param>
    /// <param name="store">Principal records (overlay for the token's sub) and the route table; null → the token alone.</param>
    /// <param name="issuerStore">The run-time issuer registry merged with the configured issuers; null → configured only.</param>
    /// <param name="issuerCache">How long a read of the stored issuers is used (AuthorizationStore__CacheSeconds).</param>
    public TokenAuthorizer(TokenAuthorizerOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null, TextWriter? decisionLog = null,
        IAuthorizationStore? store = null, IIssuerStore? issuerStore = null, TimeSpan issuerCache = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        options.ThrowIfInvalid();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _log = new DecisionLog(decisionLog, "token");
        _policy = new PolicyBuilder(options.Routes);
        _issuers = IssuerRegistry.Create(options, httpClient, _time);
        if (issuerStore is not null)
        {
            var time = _time;
            _stored = new StoredIssuers(_issuers.Issuers, issuerStore, issuerCache, o => new TrustedIssuer(o, options, httpClient, time),
                options.RequireHttpsMetadata, _time);
        }
        _maxLifetime = TimeSpan.FromSeconds(options.MaxTokenLifetimeSeconds);
    }

    public Task<AuthorizerDecision> AuthorizeAsync(APIGatewayCustomAuthorizerRequest request, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var pending = DecideAsync(request, ct);
        if (!pending.IsCompletedSuccessfully) return CompleteAsync(pending, started);
        // Decided without waiting (a refusal before any key lookup, or cached keys and store): no state machine on
        // the heap, and the unknown-iss refusal is one shared, immutable answer.
        var decision = pending.Result;
        _log.Write(decision, Stopwatch.GetElapsedTime(started));
        return ReferenceEquals(decision, UnknownIssuerRefusal) ? UnknownIssuerRefusalTask : Task.FromResult(decision);
    }

    private async Task<AuthorizerDecision> CompleteAsync(ValueTask<AuthorizerDecision> pending, long started)
    {
        AuthorizerDecision decision;
        try
        {
            decision = await pending.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            decision = AuthorizerDecision.Unauthorized(ReasonCodes.Timeout, AuthTypes.Jwt);
        }
        catch (Exception)
        {
            decision = AuthorizerDecision.Unauthorized(ReasonCodes.InternalError, AuthTypes.Jwt);
        }
        _log.Write(decision, Stopwatch.GetElapsedTime(started));
        return decision;
    }

    private static readonly AuthorizerDecision UnknownIssuerRefusal = Fail(ReasonCodes.UnknownIssuer);
    private static readonly Task<AuthorizerDecision> UnknownIssuerRefusalTask = Task.FromResult(UnknownIssuerRefusal);

    private async ValueTask<AuthorizerDecision> DecideAsync(APIGatewayCustomAuthorizerRequest request, CancellationToken ct)
    {
        var header = request?.AuthorizationToken;
        if (string.IsNullOrEmpty(header)) return Fail(ReasonCodes.MissingCredential);
        if (header.Length > _options.MaxTokenLength) return Fail(ReasonCodes.TokenTooLarge);
        // The scheme is case-insensitive (RFC 9110 §11.1); exactly one space separates it from the token.
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) return Fail(ReasonCodes.NotBearer);
        if (!MethodArn.TryParse(request!.MethodArn, out var arn)) return Fail(ReasonCodes.BadMethodArn);
        // The registry in force (configured + stored, re-read at most once per cache window); synchronous while fresh.
        var registry = _issuers;
        var storeDown = false;
        if (_stored is not null)
        {
            var pendingSnapshot = _stored.CurrentAsync(ct);
            var snapshot = pendingSnapshot.IsCompletedSuccessfully ? pendingSnapshot.Result : await pendingSnapshot.ConfigureAwait(false);
            (registry, storeDown) = (snapshot.Registry, snapshot.StoreDown);
        }

        var raw = header.AsSpan(BearerPrefix.Length);
        // A compact JWS: exactly three non-empty base64url parts (no JWE, no stripped signature).
        if (raw.Count('.') != 2 || !IsCompactJws(raw)) return Fail(ReasonCodes.MalformedCredential);

        var firstDot = raw.IndexOf('.');
        var secondDot = firstDot + 1 + raw[(firstDot + 1)..].IndexOf('.');
        // The unverified iss picks the one issuer whose keys and rules apply, before anything else (no key lookup,
        // no network request, no allocation for an unknown iss).
        // Stored issuers unreadable: an iss no configured issuer accepts may be a stored one's, so fail closed as the store rule says.
        if (!registry.TrySelect(raw[(firstDot + 1)..secondDot], out var match)) return storeDown ? Fail(ReasonCodes.StoreUnavailable) : UnknownIssuerRefusal;
        var issuer = match.Issuer;

        JsonWebToken token;
        try
        {
            token = new JsonWebToken(raw.ToString());
        }
        catch (Exception)
        {
            return Fail(ReasonCodes.MalformedCredential);
        }

        // We implement no JWS extension, so any "crit" header must be rejected (RFC 7515 §4.1.11).
        if (token.TryGetHeaderValue<object>("crit", out _)) return Fail(ReasonCodes.UnsupportedCrit);
        // Header members and registered claims of the wrong JSON type are refused before any key is looked up.
        if (!JoseShape.HeaderIsWellTyped(raw[..firstDot])) return Fail(ReasonCodes.MalformedHeader);
        if (!JoseShape.RegisteredClaimsAreWellTyped(raw[(firstDot + 1)..secondDot])) return Fail(ReasonCodes.InvalidClaimType);
        if (!issuer.Algorithms.Contains(token.Alg, StringComparer.Ordinal)) return Fail(ReasonCodes.AlgorithmNotAllowed);

        var keys = await issuer.Keys.GetAsync(string.IsNullOrEmpty(token.Kid) ? null : token.Kid, ct).ConfigureAwait(false);
        if (keys is null || keys.Keys.Count == 0) return Fail(ReasonCodes.KeysUnavailable);

        var result = await _handler.ValidateTokenAsync(token, issuer.ParametersFor(keys)).ConfigureAwait(false);
        if (!result.IsValid) return Fail(ReasonFor(result.Exception));

        if (issuer.RequiredTokenUse is { } use && !string.Equals(TokenClaims.String(token, "token_use"), use, StringComparison.Ordinal))
            return Fail(ReasonCodes.WrongTokenType);
        if (!issuer.AudienceIsAud && !(TokenClaims.String(token, issuer.AudienceClaim) is { } clientId
                && issuer.Options.Audiences.Contains(clientId, StringComparer.Ordinal)))
            return Fail(ReasonCodes.InvalidAudience);

        var subject = token.TryGetPayloadValue<string>("sub", out var sub) ? sub : null;
        if (string.IsNullOrWhiteSpace(subject)) return Fail(ReasonCodes.MissingSubject);
        if (!LifetimeWithinMaximum(token)) return Fail(ReasonCodes.LifetimeTooLong);

        if (IssuerProfiles.Map(token, issuer, match.TenantId, out var mappedRoles, out var mappedPermissions) is { } refused) return Fail(refused);
        IReadOnlyCollection<string> roles = mappedRoles;
        IReadOnlyCollection<string> permissions = mappedPermissions;
        var expiresAt = (long)(token.ValidTo - DateTime.UnixEpoch).TotalSeconds;
        var authentication = Authentication(token, issuer.Options);
        // Identity is (issuer, sub): a sub equal to a key principal's id or to another issuer's sub shares nothing with it.
        var principalId = TokenSubjects.PrincipalId(issuer.Name, subject);
        if (_store is null)
            return _policy.Decide(arn, principalId, AuthTypes.Jwt, roles, permissions, expiresAt: expiresAt, authentication: authentication, issuer: issuer.Name);

        // The principal overlay (PrincipalOverlay) of the record stored under {issuer}:{sub} over the token's roles and permissions.
        // Any store error → 401, never the token's claims alone.
        RouteRules routes;
        try
        {
            var principal = await StoreReads.PrincipalForSubjectAsync(_store, principalId, ct).ConfigureAwait(false);
            if (PrincipalOverlay.Apply(principal, roles, permissions) is not { } granted) return Fail(ReasonCodes.PrincipalDisabled);
            (roles, permissions) = granted;
            routes = await StoreReads.RoutesAsync(_store, _options.Routes, ct).ConfigureAwait(false);
        }
        catch (AuthorizationStoreUnavailableException)
        {
            return Fail(ReasonCodes.StoreUnavailable);
        }
        return _policy.Decide(routes, arn, principalId, AuthTypes.Jwt, roles, permissions, expiresAt: expiresAt, authentication: authentication, issuer: issuer.Name);
    }

    /// <summary>
    /// amr (an array of strings, RFC 8176) and auth_time (a whole number of seconds); anything else is left out. When
    /// the issuer sets StepUpAmr/StepUpAcrs, amr is "mfa" if the token's amr or acrs holds one of them and empty
    /// otherwise: what counts as MFA is decided per issuer, and the API's step-up check sees one vocabulary.
    /// </summary>
    private static TokenAuthentication? Authentication(JsonWebToken token, TokenIssuerOptions issuer)
    {
        var amr = TokenClaims.Values(token, AmrClaim, firstOnly: false);
        if (issuer.StepUpAmr is not null || issuer.StepUpAcrs is not null)
        {
            var acrs = issuer.StepUpAcrs is null ? [] : TokenClaims.Values(token, AcrsClaim, firstOnly: false);
            var strong = amr.Any(a => issuer.StepUpAmr?.Contains(a, StringComparer.Ordinal) == true)
                         || acrs.Any(a => issuer.StepUpAcrs!.Contains(a, StringComparer.Ordinal));
            amr = strong ? [StepUpAmrValue] : [];
        }
        long? authTime = token.TryGetPayloadValue<object>("auth_time", out var value) && value switch
        {
            long l => l,
            int i => i,
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } e when e.TryGetInt64(out var n) => n,
            _ => (long?)null,
        } is { } seconds ? seconds : null;
        return amr.Count == 0 && authTime is null ? null : new TokenAuthentication(amr, authTime);
    }

    /// <summary>The amr value the API's step-up check accepts by default (StepUp:AcceptedAmrValues).</summary>
    private const string StepUpAmrValue = "mfa";
    private static readonly string[] AcrsClaim = ["acrs"];
    private static readonly string[] AmrClaim = ["amr"];

    /// <summary>exp − iat; without iat, exp − nbf; without both, exp − now. At most MaxTokenLifetimeSeconds.</summary>
    private bool LifetimeWithinMaximum(JsonWebToken token)
    {
        var start = token.IssuedAt != DateTime.MinValue ? token.IssuedAt
            : token.ValidFrom != DateTime.MinValue ? token.ValidFrom
            : _time.GetUtcNow().UtcDateTime;
        return token.ValidTo - start <= _maxLifetime;
    }

    /// <summary>RFC 9068 §4: typ compared case-insensitively, the "application/" prefix optional on either side.</summary>
    internal static bool TokenTypeMatches(string? typ, string required)
    {
        if (string.IsNullOrEmpty(typ)) return false;
        const string prefix = "application/";
        static ReadOnlySpan<char> Bare(string t) =>
            t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? t.AsSpan(prefix.Length) : t.AsSpan();
        return Bare(typ).Equals(Bare(required), StringComparison.OrdinalIgnoreCase);
    }

    private static AuthorizerDecision Fail(string reason) => AuthorizerDecision.Unauthorized(reason, AuthTypes.Jwt);

    private static bool IsCompactJws(ReadOnlySpan<char> raw)
    {
        var partLength = 0;
        foreach (var c in raw)
        {
            if (c == '.')
            {
                if (partLength == 0) return false;
                partLength = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_') partLength++;
            else return false;
        }
        return partLength > 0;
    }

    private static string ReasonFor(Exception? e) => e switch
    {
        SecurityTokenExpiredException => ReasonCodes.Expired,
        SecurityTokenNotYetValidException => ReasonCodes.NotYetValid,
        SecurityTokenNoExpirationException => ReasonCodes.MissingExpiration,
        SecurityTokenInvalidIssuerException => ReasonCodes.InvalidIssuer,
        SecurityTokenInvalidAudienceException => ReasonCodes.InvalidAudience,
        SecurityTokenInvalidAlgorithmException => ReasonCodes.AlgorithmNotAllowed,
        SecurityTokenSignatureKeyNotFoundException => ReasonCodes.SigningKeyNotFound,
        SecurityTokenInvalidSignatureException => ReasonCodes.InvalidSignature,
        SecurityTokenInvalidLifetimeException => ReasonCodes.Expired,
        SecurityTokenInvalidTypeException => ReasonCodes.WrongTokenType,
        _ => ReasonCodes.TokenInvalid,
    };
}
