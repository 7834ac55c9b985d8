using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Saml;
using SecureApi.AuthorizerContract;

namespace SecureApi.TokenService.Saml;

/// <summary>
/// The IdPs trusted now (docs/saml.md#run-time-registry): the configured ones (Saml__IdentityProviders__N__*) and the
/// run-time registry's, re-read (one Query of the SAML-IDPS partition) at most once per AuthorizationStore__CacheSeconds
/// on the TimeProvider's clock — so an IdP added through the admin API is trusted, and a deleted one refused, within that
/// bound. A configured Issuer is answered without the store. Configuration wins: a stored entry whose name (in any
/// case) or EntityId a configured IdP has is left out, as is one whose EntityId an earlier stored name has or whose
/// certificates cannot be used; each is logged once. Fail closed: when the registry cannot be read, an Issuer that is
/// not configured throws <see cref="AuthorizationStoreUnavailableException"/> (503, never a token); a failed read is
/// not cached, so the next request tries again.
/// </summary>
public sealed partial class TrustedIdentityProviders
{
    private readonly Dictionary<string, IdentityProvider> _configured;
    private readonly HashSet<string> _configuredNames;
    private readonly ISamlIdpStore _store;
    private readonly TimeSpan _cacheFor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;
    private Task<Snapshot>? _reading;
    private Dictionary<string, (DateTimeOffset UpdatedAt, IdentityProvider? Idp)> _built = new(StringComparer.Ordinal);

    private sealed record Snapshot(Dictionary<string, IdentityProvider> ByEntityId, DateTimeOffset ReadAt);

    public TrustedIdentityProviders(SamlOptions options, ISamlIdpStore store, AuthorizationStoreOptions storeOptions, TimeProvider time,
        ILogger<TrustedIdentityProviders> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storeOptions);
        _configured = options.IdentityProviders.ToDictionary(i => i.EntityId, StringComparer.Ordinal);
        _configuredNames = options.IdentityProviders.Select(i => i.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _cacheFor = storeOptions.CacheDuration;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The IdP whose EntityId is <paramref name="issuer"/>; null when none is trusted.</summary>
    /// <exception cref="AuthorizationStoreUnavailableException">Not configured, and the registry could not be read.</exception>
    public async ValueTask<IdentityProvider?> FindAsync(string issuer, CancellationToken ct)
    {
        if (_configured.TryGetValue(issuer, out var configured)) return configured;
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null || _time.GetUtcNow() - snapshot.ReadAt >= _cacheFor) snapshot = await ReadAsync().WaitAsync(ct).ConfigureAwait(false);
        return snapshot.ByEntityId.GetValueOrDefault(issuer);
    }

    /// <summary>One read at a time: requests arriving while it runs share it (a cold instance sends one Query, not one per request).</summary>
    private Task<Snapshot> ReadAsync()
    {
        lock (_gate) return _reading ??= ReadOnceAsync();
    }

    private async Task<Snapshot> ReadOnceAsync()
    {
        try
        {
            await Task.Yield(); // registered as the shared read before any work starts
            var readAt = _time.GetUtcNow();
            var stored = await _store.ListIdpsAsync(CancellationToken.None).ConfigureAwait(false); // the store bounds it by its own budget
            var snapshot = new Snapshot(Usable(stored), readAt);
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
        finally
        {
            lock (_gate) _reading = null;
        }
    }

    private Dictionary<string, IdentityProvider> Usable(IReadOnlyList<SamlIdpRecord> stored)
    {
        var usable = new Dictionary<string, IdentityProvider>(StringComparer.Ordinal);
        var built = new Dictionary<string, (DateTimeOffset, IdentityProvider?)>(StringComparer.Ordinal);
        foreach (var record in stored)
        {
            var entry = record.Entry;
            var known = _built.TryGetValue(entry.Name, out var previous) && previous.UpdatedAt == record.UpdatedAt;
            var idp = known ? previous.Idp : IdentityProvider.FromStored(entry);
            built[entry.Name] = (record.UpdatedAt, idp);
            var reason = idp is null ? "its certificates cannot be used"
                : _configuredNames.Contains(entry.Name) ? "a configured IdP has its name"
                : _configured.ContainsKey(idp.EntityId) ? "a configured IdP has its EntityId"
                : usable.ContainsKey(idp.EntityId) ? "another stored IdP has its EntityId"
                : null;
            if (reason is null) usable[idp!.EntityId] = idp;
            else if (!known) Log.Ignored(_logger, entry.Name, reason);
        }
        _built = built;
        return usable;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.StoredIdentityProviderIgnored, EventName = nameof(LogEvents.StoredIdentityProviderIgnored),
            Level = LogLevel.Warning, Message = "Stored SAML IdP {Name} is not trusted: {Reason}")]
        public static partial void Ignored(ILogger logger, string name, string reason);
    }
}
