using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace SecureApi.Authorizers;

/// <summary>
/// The trusted signing keys. Fetched from OIDC discovery (Microsoft.IdentityModel's OpenIdConnectConfigurationRetriever)
/// or a JWKS URL, or fixed from configuration. Each fetch is bounded by KeyFetchTimeoutMs; after the first, fetches
/// happen at most once per KeyRefreshMinIntervalSeconds (unknown kid, failure) or when the keys are older than
/// KeyCacheSeconds. A failed fetch keeps the last good keys. Keys that could be abused are dropped on load:
/// symmetric keys from a JWKS, RSA keys under 2048 bits, encryption keys.
/// </summary>
internal sealed class SigningKeyCache
{
    public const int MinRsaKeyBits = 2048;

    private readonly TokenAuthorizerOptions _options;
    private readonly HttpClient? _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile KeySnapshot? _snapshot;
    private long _lastAttemptTicks = long.MinValue;

    public sealed record KeySnapshot(IReadOnlyList<SecurityKey> Keys, IReadOnlySet<string> KeyIds, DateTimeOffset FetchedAt);

    public SigningKeyCache(TokenAuthorizerOptions options, HttpClient? http, TimeProvider time)
    {
        _options = options;
        _http = http;
        _time = time;
        if (options.SymmetricKey is not null)
            _snapshot = Snapshot([new SymmetricSecurityKey(Convert.FromBase64String(options.SymmetricKey))], time.GetUtcNow(), allowSymmetric: true);
        else if (options.Jwks is not null)
        {
            _snapshot = Snapshot(new JsonWebKeySet(options.Jwks).Keys, time.GetUtcNow(), allowSymmetric: false);
            if (_snapshot.Keys.Count == 0)
                throw new AuthorizerConfigurationException(TokenAuthorizerOptions.SectionName,
                    ["TokenAuthorizer__Jwks holds no usable signing key (RSA ≥ 2048 bits or EC; symmetric keys are ignored)."]);
        }
        else if (http is null)
            throw new ArgumentException("An HttpClient is required when keys come from MetadataAddress or JwksUri.", nameof(http));
    }

    public bool IsStatic => _options.SymmetricKey is not null || _options.Jwks is not null;

    /// <summary>Keys to validate a token with the given kid; fetches when needed and allowed. Null when none available.</summary>
    public async ValueTask<KeySnapshot?> GetAsync(string? kid, CancellationToken ct)
    {
        var current = _snapshot;
        if (IsStatic) return current;
        if (current is not null && !NeedsFetch(current, kid)) return current;
        if (current is not null && !MayFetch()) return current;
        if (current is null && !MayFetch()) return null;

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
            if (current is not null && !NeedsFetch(current, kid)) return current;
            if (!MayFetch()) return current;
            Interlocked.Exchange(ref _lastAttemptTicks, _time.GetUtcNow().UtcTicks);
            try
            {
                var keys = await FetchAsync(bounded.Token).ConfigureAwait(false);
                var fresh = Snapshot(keys, _time.GetUtcNow(), allowSymmetric: false);
                if (fresh.Keys.Count > 0) _snapshot = fresh;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Down, slow (cancelled by the bound) or garbage: keep the last good keys, if any.
            }
            return _snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool NeedsFetch(KeySnapshot s, string? kid) =>
        (kid is not null && !s.KeyIds.Contains(kid)) ||
        _time.GetUtcNow() - s.FetchedAt >= TimeSpan.FromSeconds(_options.KeyCacheSeconds);

    private bool MayFetch()
    {
        var last = Interlocked.Read(ref _lastAttemptTicks);
        if (last == long.MinValue) return true;
        return _time.GetUtcNow().UtcTicks - last >= TimeSpan.FromSeconds(_options.KeyRefreshMinIntervalSeconds).Ticks;
    }

    private async Task<IEnumerable<SecurityKey>> FetchAsync(CancellationToken ct)
    {
        var retriever = new BoundedDocumentRetriever(_http!, _options.RequireHttpsMetadata);
        if (_options.MetadataAddress is not null)
        {
            var config = await OpenIdConnectConfigurationRetriever.GetAsync(_options.MetadataAddress, retriever, ct).ConfigureAwait(false);
            return config.SigningKeys;
        }
        var json = await retriever.GetDocumentAsync(_options.JwksUri!, ct).ConfigureAwait(false);
        return new JsonWebKeySet(json).Keys;
    }

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
