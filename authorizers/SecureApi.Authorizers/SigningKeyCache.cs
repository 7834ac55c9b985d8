using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace SecureApi.Authorizers;

/// <summary>
/// The trusted signing keys. Fetched from OIDC discovery (checked: issuer and jwks_uri) or a JWKS URL, or fixed from
/// configuration. Each fetch is bounded by KeyFetchTimeoutMs. After the first, fetches happen when the keys are older
/// than KeyCacheSeconds (a failed load is retried at most once per KeyRefreshMinIntervalSeconds) and for an unknown kid
/// (at most once per KeyRefreshMinIntervalSeconds, counted between unknown-kid refreshes only). A failed fetch keeps the
/// last good keys. Keys that could be abused are dropped on load: symmetric keys from a JWKS, RSA keys under 2048
/// bits, encryption keys.
/// </summary>
internal sealed class SigningKeyCache
{
    public const int MinRsaKeyBits = 2048;

    private readonly TokenIssuerOptions _issuer;
    private readonly TokenAuthorizerOptions _options; // the fetch bounds, shared by every issuer
    private readonly HttpClient? _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile KeySnapshot? _snapshot;
    private long _lastAttemptTicks = long.MinValue;
    private long _lastUnknownKidTicks = long.MinValue;

    public sealed record KeySnapshot(IReadOnlyList<SecurityKey> Keys, IReadOnlySet<string> KeyIds, DateTimeOffset FetchedAt);

    public SigningKeyCache(TokenIssuerOptions issuer, TokenAuthorizerOptions options, HttpClient? http, TimeProvider time)
    {
        _issuer = issuer;
        _options = options;
        _http = http;
        _time = time;
        if (issuer.SymmetricKey is not null)
            _snapshot = Snapshot([new SymmetricSecurityKey(Convert.FromBase64String(issuer.SymmetricKey))], time.GetUtcNow(), allowSymmetric: true);
        else if (issuer.Jwks is not null)
        {
            _snapshot = Snapshot(new JsonWebKeySet(issuer.Jwks).Keys, time.GetUtcNow(), allowSymmetric: false);
            if (_snapshot.Keys.Count == 0)
                throw new AuthorizerConfigurationException(TokenAuthorizerOptions.SectionName,
                    [$"The Jwks of issuer '{issuer.Name}' holds no usable signing key (RSA ≥ 2048 bits or EC; symmetric keys are ignored)."]);
        }
        else if (http is null)
            throw new ArgumentException("An HttpClient is required when keys come from MetadataAddress or JwksUri.", nameof(http));
    }

    public bool IsStatic => _issuer.SymmetricKey is not null || _issuer.Jwks is not null;

    /// <summary>Keys to validate a token with the given kid; fetches when needed and allowed. Null when none available.</summary>
    public async ValueTask<KeySnapshot?> GetAsync(string? kid, CancellationToken ct)
    {
        var current = _snapshot;
        if (IsStatic) return current;
        var reason = FetchReason(current, kid);
        if (reason == Reason.None) return current;

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromMilliseconds(_options.KeyFetchTimeoutMs));
        try
        {
            await _gate.WaitAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return _snapshot;
        }
        try
        {
            // Another caller may have refreshed while we waited.
            current = _snapshot;
            reason = FetchReason(current, kid);
            if (reason == Reason.None) return current;
            var now = _time.GetUtcNow().UtcTicks;
            Interlocked.Exchange(ref _lastAttemptTicks, now);
            if (reason == Reason.UnknownKid) Interlocked.Exchange(ref _lastUnknownKidTicks, now);
            try
            {
                var keys = await FetchAsync(bounded.Token).ConfigureAwait(false);
                var fresh = Snapshot(keys, _time.GetUtcNow(), allowSymmetric: false);
                AuthorizerMetrics.KeyFetch(fresh.Keys.Count > 0);
                if (fresh.Keys.Count > 0) _snapshot = fresh;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                AuthorizerMetrics.KeyFetch(false);
                // Down, slow (cancelled by the bound) or garbage: keep the last good keys, if any.
            }
            return _snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private enum Reason { None, Scheduled, UnknownKid }

    /// <summary>
    /// Scheduled: no keys yet, or keys older than KeyCacheSeconds; limited to one attempt per interval (failures).
    /// UnknownKid: a kid not in the current keys; limited to one per interval counted between unknown-kid refreshes
    /// only, so an initial or scheduled load never delays picking up a key the IdP rotated in just after it.
    /// </summary>
    private Reason FetchReason(KeySnapshot? current, string? kid)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var interval = TimeSpan.FromSeconds(_options.KeyRefreshMinIntervalSeconds).Ticks;
        var stale = current is null || now - current.FetchedAt.UtcTicks >= TimeSpan.FromSeconds(_options.KeyCacheSeconds).Ticks;
        if (stale && Elapsed(ref _lastAttemptTicks, now) >= interval) return Reason.Scheduled;
        if (current is not null && kid is not null && !current.KeyIds.Contains(kid) && Elapsed(ref _lastUnknownKidTicks, now) >= interval)
            return Reason.UnknownKid;
        return Reason.None;
    }

    private static long Elapsed(ref long lastTicks, long now)
    {
        var last = Interlocked.Read(ref lastTicks);
        return last == long.MinValue ? long.MaxValue : now - last;
    }

    private async Task<IEnumerable<SecurityKey>> FetchAsync(CancellationToken ct)
    {
        var retriever = new BoundedDocumentRetriever(_http!, _options.RequireHttpsMetadata);
        var jwksUri = _issuer.JwksUri!;
        if (_issuer.MetadataAddress is not null)
        {
            // Discovery is checked, not trusted (OpenID Connect Discovery §4.3): the document's issuer must be
            // exactly the configured one, and its jwks_uri must be https unless RequireHttpsMetadata is off.
            var document = await retriever.GetDocumentAsync(_issuer.MetadataAddress, ct).ConfigureAwait(false);
            var config = OpenIdConnectConfiguration.Create(document);
            if (!DiscoveryIssuerMatches(config.Issuer))
                throw new InvalidOperationException("Discovery issuer does not match the configured issuer.");
            if (!Uri.TryCreate(config.JwksUri, UriKind.Absolute, out var uri) ||
                (uri.Scheme != Uri.UriSchemeHttps && (_options.RequireHttpsMetadata || uri.Scheme != Uri.UriSchemeHttp)))
                throw new InvalidOperationException("Discovery jwks_uri must be an absolute https URL.");
            jwksUri = config.JwksUri;
        }
        var json = await retriever.GetDocumentAsync(jwksUri, ct).ConfigureAwait(false);
        return new JsonWebKeySet(json).Keys;
    }

    /// <summary>
    /// The discovery document's issuer is one this entry accepts; for entra also the multi-tenant form
    /// (…/{tenantid}/v2.0 of the common/organizations documents): its keys are those of every tenant, and which
    /// tenants are accepted is decided by TenantIds, never by the document.
    /// </summary>
    private bool DiscoveryIssuerMatches(string? issuer) =>
        issuer is not null && (_issuer.AcceptedIssuers().Any(a => string.Equals(a.Iss, issuer, StringComparison.Ordinal))
            || (_issuer.Profile == IssuerProfiles.Entra && issuer == "https://login.microsoftonline.com/{tenantid}/v2.0"));

    private static KeySnapshot Snapshot(IEnumerable<SecurityKey> keys, DateTimeOffset now, bool allowSymmetric)
    {
        var usable = new List<SecurityKey>();
        foreach (var key in keys)
        {
            if (key is JsonWebKey jwk)
            {
                if (jwk.Use is { Length: > 0 } use && use != "sig") continue;
                if (jwk.Kty == JsonWebAlgorithmsKeyTypes.Octet) continue;
                if (jwk.Kty == JsonWebAlgorithmsKeyTypes.RSA && RsaBits(jwk) < MinRsaKeyBits) continue;
                if (jwk.Kty is not (JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve)) continue;
            }
            else if (key is SymmetricSecurityKey && !allowSymmetric) continue;
            else if (key is RsaSecurityKey or X509SecurityKey && key.KeySize < MinRsaKeyBits) continue;
            usable.Add(key);
        }
        var kids = usable.Where(k => k.KeyId is not null).Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
        return new KeySnapshot(usable, kids, now);
    }

    private static int RsaBits(JsonWebKey jwk)
    {
        if (string.IsNullOrEmpty(jwk.N)) return 0;
        try
        {
            var n = Base64UrlEncoder.DecodeBytes(jwk.N);
            var i = 0;
            while (i < n.Length && n[i] == 0) i++;
            return (n.Length - i) * 8;
        }
        catch (FormatException)
        {
            return 0;
        }
    }
}
