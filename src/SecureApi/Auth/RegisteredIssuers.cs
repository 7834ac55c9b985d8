using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;

namespace SecureApi.Auth;

/// <summary>
/// Whether the authorizer context's <c>issuer</c> is still registered (docs/identity-providers.md#run-time-registry):
/// configured — "default" (the single-issuer settings), TokenAuthorizer:Issuers:N:Name and any
/// <see cref="TrustedIssuerName"/> service — or stored. The stored
/// names are read (one Query) at most once per AuthorizationStore:CacheSeconds, so an Allow the gateway cached for a
/// removed issuer is refused within that bound, as a disabled principal's is. A failed read throws
/// <see cref="AuthorizationStoreUnavailableException"/> (the route check answers 503).
/// </summary>
public sealed class RegisteredIssuers(IConfiguration configuration, IIssuerStore store, AuthorizationStoreOptions options, TimeProvider time,
    IEnumerable<TrustedIssuerName> alsoTrusted)
{
    private readonly HashSet<string> _configured = Configured(configuration, alsoTrusted);
    private StoredNames? _stored;

    private sealed record StoredNames(HashSet<string> Names, DateTimeOffset ReadAt);

    public async ValueTask<bool> IsRegisteredAsync(string issuer, CancellationToken ct)
    {
        if (_configured.Contains(issuer)) return true;
        var stored = Volatile.Read(ref _stored);
        if (stored is null || time.GetUtcNow() - stored.ReadAt >= options.CacheDuration)
        {
            var names = (await store.ListIssuersAsync(ct).ConfigureAwait(false)).Select(i => i.Entry.Name).ToHashSet(StringComparer.Ordinal);
            stored = new StoredNames(names, time.GetUtcNow());
            Volatile.Write(ref _stored, stored);
        }
        return stored.Names.Contains(issuer);
    }

    private static HashSet<string> Configured(IConfiguration configuration, IEnumerable<TrustedIssuerName> alsoTrusted)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "default" };
        foreach (var trusted in alsoTrusted) names.Add(trusted.Name);
        foreach (var entry in configuration.GetSection("TokenAuthorizer:Issuers").GetChildren())
            if (entry["Name"] is { Length: > 0 } name) names.Add(name);
        return names;
    }
}
