using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using SecureApi.AuthorizationStore;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Authorizers;

/// <summary>
/// REQUEST authorizer: admits by API key (query), custom header value, or source IP in the CIDR allowlist — in that
/// order. A presented but unknown key or header value is Unauthorized (no fall-through to the IP rule). Secrets
/// are compared as SHA-256 digests with CryptographicOperations.FixedTimeEquals, against every entry.
/// The IP comes only from requestContext.identity.sourceIp, never from a header.
/// With an authorization store, the configured entries (the seed) are checked first, exactly as without; a value
/// no seed entry matches is looked up by its hash in the store (kind must match the identity source), then its
/// principal (missing or disabled → 401). The route table comes from the store when one is stored. Any store
/// error → 401 (<see cref="ReasonCodes.StoreUnavailable"/>), never Allow.
/// </summary>
public sealed partial class RequestAuthorizer
{
    private readonly RequestAuthorizerOptions _options;
    private readonly Entry[] _apiKeys;
    private readonly Entry[] _headerValues;
    private readonly IPNetwork[] _cidrs;
    private readonly string[] _ipRoles;
    private readonly string[] _ipPermissions;
    private readonly DecisionLog _log;
    private readonly PolicyBuilder _policy;
    private readonly IAuthorizationStore? _store;

    [ThreadStatic] private static IncrementalHash? t_sha256;

    private sealed record Entry(byte[] Digest, string PrincipalId, string[] Roles, string[] Permissions);

    /// <param name="decisionLog">Receives one JSON line per decision; null for none.</param>
    /// <param name="store">Run-time principals, keys and route table; null → the configured entries and routes only.</param>
    public RequestAuthorizer(RequestAuthorizerOptions options, TextWriter? decisionLog = null, IAuthorizationStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid(storeConfigured: store is not null);
        _store = store;
        _options = options;
        _apiKeys = options.ApiKeys.Select(ToEntry).ToArray();
        _headerValues = options.CustomHeaderValues.Select(ToEntry).ToArray();
        _cidrs = options.AllowedCidrs.Select(c => RequestAuthorizerOptions.TryParseCidr(c, out var n, out _) ? n : throw new InvalidOperationException()).ToArray();
        _ipRoles = SplitList(options.IpRole);
        _ipPermissions = SplitList(options.IpPermissions);
        _log = new DecisionLog(decisionLog, "request");
        _policy = new PolicyBuilder(options.Routes);
    }

    /// <summary>The decision; never throws. Store calls are bounded by AuthorizationStore__TimeoutMilliseconds each.</summary>
    public async Task<AuthorizerDecision> AuthorizeAsync(APIGatewayCustomAuthorizerRequest request, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        AuthorizerDecision decision;
        try
        {
            decision = await DecideAsync(request, ct).ConfigureAwait(false);
        }
        catch (AuthorizationStoreUnavailableException)
        {
            decision = AuthorizerDecision.Unauthorized(ReasonCodes.StoreUnavailable);
        }
        catch (OperationCanceledException)
        {
            decision = AuthorizerDecision.Unauthorized(ReasonCodes.Timeout);
        }
        catch (Exception)
        {
            decision = AuthorizerDecision.Unauthorized(ReasonCodes.InternalError);
        }
        _log.Write(decision, Stopwatch.GetElapsedTime(started));
        return decision;
    }

    private async Task<AuthorizerDecision> DecideAsync(APIGatewayCustomAuthorizerRequest request, CancellationToken ct)
    {
        if (request is null || !MethodArn.TryParse(request.MethodArn, out var arn))
            return AuthorizerDecision.Unauthorized(ReasonCodes.BadMethodArn);
        var sourceIp = ParseSourceIp(request.RequestContext?.Identity?.SourceIp, out var sourceIpText);

        var (key, keyAmbiguous) = Single(request.QueryStringParameters, request.MultiValueQueryStringParameters, _options.ApiKeyQueryParameter, StringComparison.Ordinal);
        if (keyAmbiguous) return AuthorizerDecision.Unauthorized(ReasonCodes.AmbiguousCredential, AuthTypes.ApiKey);
        if (key is not null) return await CredentialDecisionAsync(_apiKeys, key, AuthTypes.ApiKey, arn, sourceIpText, ct).ConfigureAwait(false);

        var (value, valueAmbiguous) = Single(request.Headers, request.MultiValueHeaders, _options.CustomHeaderName, StringComparison.OrdinalIgnoreCase);
        if (valueAmbiguous) return AuthorizerDecision.Unauthorized(ReasonCodes.AmbiguousCredential, AuthTypes.CustomHeader);
        if (value is not null) return await CredentialDecisionAsync(_headerValues, value, AuthTypes.CustomHeader, arn, sourceIpText, ct).ConfigureAwait(false);
        if (_directory is not null && BasicAuthorization(request) is { } basic) return await DirectoryDecisionAsync(basic, arn, sourceIpText, ct).ConfigureAwait(false);

        if (sourceIp is not null && _cidrs.Length > 0)
        {
            foreach (var network in _cidrs)
                if (network.Contains(sourceIp))
                    return _policy.Decide(await RoutesAsync(ct).ConfigureAwait(false), arn,
                        _options.IpPrincipalId, AuthTypes.IpAllowlist, _ipRoles, _ipPermissions, sourceIpText);
            return AuthorizerDecision.Unauthorized(ReasonCodes.IpNotAllowed, AuthTypes.IpAllowlist);
        }
        return AuthorizerDecision.Unauthorized(ReasonCodes.MissingCredential);
    }

    /// <summary>Seed entries first; then (with a store) the stored credential of this hash and kind, and its principal.</summary>
    private async Task<AuthorizerDecision> CredentialDecisionAsync(
        Entry[] seed, string presented, string authType, MethodArn arn, string sourceIp, CancellationToken ct)
    {
        var match = Match(seed, presented, _store is not null, out var hash);
        if (match is not null)
            return _policy.Decide(await RoutesAsync(ct).ConfigureAwait(false), arn, match.PrincipalId, authType, match.Roles, match.Permissions, sourceIp);
        if (_store is null) return AuthorizerDecision.Unauthorized(ReasonCodes.InvalidCredential, authType);

        // Unknown, revoked and expired all read as "no usable credential" (the store checks status and expiry).
        // The route table does not depend on the credential: read both at once (one round trip less on a cold
        // cache); WhenAll observes both, so a failure of either fails the decision closed.
        var credentialRead = _store.FindUsableCredentialByHashAsync(hash!, ct);
        var routesRead = RoutesAsync(ct);
        if (!(credentialRead.IsCompletedSuccessfully && routesRead.IsCompletedSuccessfully)) // both cache hits (usual): no wait
        {
            var routesTask = routesRead.AsTask();
            await Task.WhenAll(credentialRead, routesTask).ConfigureAwait(false);
            routesRead = new ValueTask<RouteRules>(routesTask);
        }
        var credential = await credentialRead.ConfigureAwait(false);
        // A key never acts as a token subject (issuer:sub): such a record predates the rule and is refused.
        if (credential is null || !string.Equals(credential.Kind, authType, StringComparison.Ordinal) || TokenSubjects.IsTokenSubject(credential.PrincipalId))
            return AuthorizerDecision.Unauthorized(ReasonCodes.InvalidCredential, authType);
        var principal = await _store.GetPrincipalAsync(credential.PrincipalId, ct).ConfigureAwait(false);
        if (principal is null) return AuthorizerDecision.Unauthorized(ReasonCodes.UnknownPrincipal, authType);
        // A stored key carries no roles of its own: its principal's record is all there is (PrincipalOverlay).
        if (PrincipalOverlay.Apply(principal, [], []) is not { } granted) return AuthorizerDecision.Unauthorized(ReasonCodes.PrincipalDisabled, authType);
        return _policy.Decide(await routesRead.ConfigureAwait(false), arn,
            principal.Id, authType, granted.Roles, granted.Permissions, sourceIp, credential.KeyId);
    }

    private ValueTask<RouteRules> RoutesAsync(CancellationToken ct) => StoreReads.RoutesAsync(_store, _options.Routes, ct);

    /// <summary>
    /// Strict parse of the gateway's sourceIp: dotted-quad IPv4 or IPv6 without zone. IPv4-mapped IPv6
    /// (::ffff:a.b.c.d) becomes IPv4; no other IPv6 form (IPv4-compatible, NAT64, 6to4) is ever turned into IPv4.
    /// </summary>
    /// <param name="canonical">The address as the context carries it ("" for none): a dotted quad that parsed is
    /// already canonical (no leading zeros, four parts), so only IPv6 is formatted again.</param>
    private static IPAddress? ParseSourceIp(string? text, out string canonical)
    {
        canonical = "";
        if (string.IsNullOrEmpty(text) || text.Length > 45 || text.Contains('%')) return null;
        var dottedQuad = !text.Contains(':');
        if (dottedQuad && !IsDottedQuad(text)) return null;
        if (!IPAddress.TryParse(text, out var address)) return null;
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        canonical = dottedQuad ? text : address.ToString();
        return address;
    }

    private static bool IsDottedQuad(string text)
    {
        int parts = 0, digits = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '.')
            {
                if (digits is 0 or > 3 || (digits > 1 && text[i - digits] == '0')) return false; // no empty parts, no leading zeros
                parts++;
                digits = 0;
            }
            else if (char.IsAsciiDigit(text[i])) digits++;
            else return false;
        }
        return parts == 4;
    }

    /// <summary>The credential value from the single- and multi-value maps; ambiguous when they disagree.</summary>
    private static (string? Value, bool Ambiguous) Single(
        IDictionary<string, string>? single, IDictionary<string, IList<string>>? multi, string name, StringComparison comparison)
    {
        string? found = null;
        if (single is not null)
            foreach (var (k, v) in single)
                if (string.Equals(k, name, comparison) && !string.IsNullOrEmpty(v) && !Add(ref found, v)) return (null, true);
        if (multi is not null)
            foreach (var (k, values) in multi)
                if (string.Equals(k, name, comparison) && values is not null)
                    foreach (var v in values)
                        if (!string.IsNullOrEmpty(v) && !Add(ref found, v)) return (null, true);
        return (found, false);

        static bool Add(ref string? found, string value)
        {
            if (found is null) { found = value; return true; }
            return string.Equals(found, value, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// SHA-256 of the UTF-8 value compared with every entry in constant time (no early exit); when no entry
    /// matches and <paramref name="wantHash"/>, <paramref name="hash"/> is the digest as lower-case hex (the store key).
    /// </summary>
    private static Entry? Match(Entry[] entries, string presented, bool wantHash, out string? hash)
    {
        Span<byte> digest = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(presented.Length);
        var buffer = max <= 512 ? stackalloc byte[512] : new byte[max];
        var length = Encoding.UTF8.GetBytes(presented, buffer);
        var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256); // one reusable hash context per thread
        sha.AppendData(buffer[..length]);
        sha.GetHashAndReset(digest);
        Entry? match = null;
        foreach (var entry in entries)
            if (CryptographicOperations.FixedTimeEquals(digest, entry.Digest)) match = entry;
        hash = match is null && wantHash ? Convert.ToHexStringLower(digest) : null;
        return match;
    }

    private static Entry ToEntry(HashedCredential c) =>
        new(Convert.FromHexString(c.Sha256!), c.PrincipalId!.Trim(), SplitList(c.Role), SplitList(c.Permissions));

    private static string[] SplitList(string? value) =>
        value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
}
