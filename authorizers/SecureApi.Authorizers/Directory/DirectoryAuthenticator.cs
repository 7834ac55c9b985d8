using Microsoft.Extensions.Configuration;
using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.Authorizers.Directory;

/// <summary>The outcome of one Basic credential: an identity, or the reason code of the 401.</summary>
internal readonly record struct DirectoryResult(DirectoryIdentity? Identity, string ReasonCode);

/// <summary>
/// `Authorization: Basic` checked against the directory, in this order: a cached positive result; the refusals made
/// before any bind (<see cref="BasicCredential"/>); the failed-bind limit (<see cref="FailedBindCounter"/>); one check
/// bounded by Directory__TimeoutMilliseconds; the groups mapped to roles and permissions. The principal id is
/// "directory:{name}". Every failure is a reason code (→ 401), never an exception and never Allow.
/// </summary>
public sealed class DirectoryAuthenticator : IDisposable
{
    public const string PrincipalPrefix = "directory:";

    private readonly IDirectoryClient _client;
    private readonly FailedBindCounter _failures;
    private readonly DirectoryResultCache _cache;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly Dictionary<string, string[]> _roleMap;
    private readonly Dictionary<string, string[]> _permissionMap;
    private readonly TrustedCaFolder? _trustedCas;

    /// <summary>
    /// The authenticator section "Directory" asks for; null when Directory__Url is not set (and
    /// <paramref name="counters"/> is then never called). Bad settings throw (→ init error).
    /// </summary>
    public static DirectoryAuthenticator? FromConfiguration(IConfiguration configuration, Func<IRateLimitCounterStore> counters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(counters);
        var options = DirectoryOptions.FromConfiguration(configuration.GetSection(DirectoryOptions.SectionName));
        options.ThrowIfInvalid();
        return options.Enabled ? new DirectoryAuthenticator(options, counters(), time) : null;
    }

    public DirectoryAuthenticator(DirectoryOptions options, IRateLimitCounterStore counters, TimeProvider time)
        : this(options, counters, time, client: null)
    {
    }

    internal DirectoryAuthenticator(DirectoryOptions options, IRateLimitCounterStore counters, TimeProvider time, IDirectoryClient? client)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(time);
        options.ThrowIfInvalid();
        if (!options.Enabled) throw new ArgumentException("Directory__Url is not set.", nameof(options));
        _trustedCas = client is null && options.TrustedCas.Count > 0 ? new TrustedCaFolder(options.TrustedCas) : null;
        _client = client ?? new LdapDirectoryClient(options, _trustedCas);
        _failures = new FailedBindCounter(counters, time);
        _cache = new DirectoryResultCache(time, TimeSpan.FromSeconds(options.CacheSeconds));
        _time = time;
        _timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds);
        _roleMap = Lists(options.GroupRoleMap);
        _permissionMap = Lists(options.GroupPermissionMap);
    }

    /// <param name="authorization">The whole header value, "Basic …".</param>
    internal async ValueTask<DirectoryResult> AuthenticateAsync(string authorization, CancellationToken ct)
    {
        if (_cache.TryGet(authorization, out var cached)) return new DirectoryResult(cached, ReasonCodes.Allowed);
        if (!BasicCredential.TryParse(authorization, out var credential)) return new DirectoryResult(null, ReasonCodes.MalformedCredential);

        var reservation = await _failures.TryReserveAsync(credential.UserName, ct).ConfigureAwait(false);
        if (reservation is null) return new DirectoryResult(null, ReasonCodes.DirectoryLocked);

        DirectoryAnswer answer;
        try
        {
            // The native client blocks: run it off the caller's thread and stop waiting at the timeout (a hung call
            // finishes on its own thread later and is ignored).
            answer = await Task.Run(() => _client.Check(credential.UserName, credential.Password), CancellationToken.None)
                .WaitAsync(_timeout, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            answer = DirectoryAnswer.Unavailable;
        }
        // Only a right password gives its reserved failure back: a timeout may still have reached the directory.
        if (answer.Verdict != DirectoryVerdict.Authenticated)
            return new DirectoryResult(null, answer.Verdict == DirectoryVerdict.InvalidCredentials ? ReasonCodes.InvalidCredential : ReasonCodes.DirectoryUnavailable);
        await _failures.ReleaseAsync(reservation.Value, ct).ConfigureAwait(false);

        var identity = Map(answer);
        _cache.Add(authorization, identity);
        return new DirectoryResult(identity, ReasonCodes.Allowed);
    }

    private DirectoryIdentity Map(DirectoryAnswer answer)
    {
        var roles = new List<string>();
        var permissions = new List<string>();
        foreach (var group in answer.Groups ?? [])
        {
            Collect(_roleMap, group, roles);
            Collect(_permissionMap, group, permissions);
        }
        return new DirectoryIdentity(PrincipalPrefix + answer.Name, [.. roles.Distinct(StringComparer.Ordinal)], [.. permissions.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>A group value matches a map key by its whole DN or by its first RDN's value (the CN), ignoring case.</summary>
    private static void Collect(Dictionary<string, string[]> map, string group, List<string> into)
    {
        if (map.TryGetValue(group, out var byDn)) into.AddRange(byDn);
        else if (LdapEscape.FirstRdnValue(group) is { } cn && map.TryGetValue(cn, out var byCn)) into.AddRange(byCn);
    }

    private static Dictionary<string, string[]> Lists(Dictionary<string, string> map) =>
        map.ToDictionary(kv => kv.Key, kv => kv.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            StringComparer.OrdinalIgnoreCase);

    public void Dispose() => _trustedCas?.Dispose();
}
