using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;

namespace SecureApi.Authorizers;

/// <summary>The registry in force: configured plus stored entries; StoreDown when the stored ones could not be read.</summary>
internal sealed record RegistrySnapshot(IssuerRegistry Registry, bool StoreDown, DateTimeOffset ReadAt);

/// <summary>
/// Merges the configured issuers with the run-time registry's (docs/identity-providers.md#run-time-registry),
/// re-reading the stored entries at most once per <c>AuthorizationStore__CacheSeconds</c> (one Query of the
/// ISSUERS partition; the TimeProvider's clock). A fresh snapshot is answered synchronously, so an unknown iss is
/// still refused without any request. Fail closed: when the read fails, only configured issuers are trusted and
/// the snapshot says so (a stored issuer's token is then a store-unavailable refusal, never an Allow). An entry
/// that breaks the rules, or repeats a configured name or iss, is left out: configuration always wins.
/// A stored entry keeps its key cache while its UpdatedAt is unchanged.
/// </summary>
internal sealed class StoredIssuers(IReadOnlyList<TrustedIssuer> configured, IIssuerStore store, TimeSpan cacheFor,
    Func<TokenIssuerOptions, TrustedIssuer> build, bool requireHttps, TimeProvider time)
{
    private readonly Lock _gate = new();
    private Dictionary<string, (DateTimeOffset UpdatedAt, TrustedIssuer Issuer)> _built = new(StringComparer.Ordinal);
    private RegistrySnapshot? _snapshot;

    public ValueTask<RegistrySnapshot> CurrentAsync(CancellationToken ct)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        return snapshot is not null && time.GetUtcNow() - snapshot.ReadAt < cacheFor
            ? new ValueTask<RegistrySnapshot>(snapshot)
            : new ValueTask<RegistrySnapshot>(RefreshAsync(ct));
    }

    private async Task<RegistrySnapshot> RefreshAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        RegistrySnapshot snapshot;
        try
        {
            var stored = await store.ListIssuersAsync(ct).ConfigureAwait(false);
            snapshot = new RegistrySnapshot(new IssuerRegistry([.. configured, .. Usable(stored)]), StoreDown: false, now);
        }
        catch (AuthorizationStoreUnavailableException)
        {
            snapshot = new RegistrySnapshot(new IssuerRegistry(configured), StoreDown: true, now);
        }
        Volatile.Write(ref _snapshot, snapshot);
        return snapshot;
    }

    private List<TrustedIssuer> Usable(IReadOnlyList<IssuerRecord> stored)
    {
        var names = configured.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var accepted = configured.SelectMany(i => i.AcceptedIssuers.Select(a => a.Iss)).ToHashSet(StringComparer.Ordinal);
        var usable = new List<TrustedIssuer>();
        lock (_gate)
        {
            var built = new Dictionary<string, (DateTimeOffset, TrustedIssuer)>(StringComparer.Ordinal);
            foreach (var record in stored)
            {
                var options = TokenIssuerOptions.From(record.Entry);
                if (!names.Add(record.Entry.Name) || options.Validate("", requireHttps).Count > 0) continue;
                var issuer = _built.TryGetValue(record.Entry.Name, out var known) && known.UpdatedAt == record.UpdatedAt ? known.Issuer : TryBuild(options);
                if (issuer is null || issuer.AcceptedIssuers.Any(a => accepted.Contains(a.Iss))) continue;
                accepted.UnionWith(issuer.AcceptedIssuers.Select(a => a.Iss));
                built[record.Entry.Name] = (record.UpdatedAt, issuer);
                usable.Add(issuer);
            }
            _built = built;
        }
        return usable;
    }

    private TrustedIssuer? TryBuild(TokenIssuerOptions options)
    {
        try
        {
            return build(options);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or AuthorizerConfigurationException)
        {
            return null; // a bad stored entry trusts nothing; the others stay in force
        }
    }
}
