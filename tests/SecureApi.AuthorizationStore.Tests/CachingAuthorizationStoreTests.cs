using SecureApi.Testing;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>
/// The short per-process cache: changes made elsewhere (straight to the backing store, as another instance would)
/// show after the TTL; changes through the cache show at once; failures are never cached.
/// </summary>
public sealed class CachingAuthorizationStoreTests
{
    private const string Admin = "admin-user";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private readonly ManualClock _clock = new(Start);
    private readonly InMemoryAuthorizationStore _backing;
    private readonly FlakyStore _flaky;
    private readonly CachingAuthorizationStore _cached;

    public CachingAuthorizationStoreTests()
    {
        _backing = new InMemoryAuthorizationStore(_clock);
        _flaky = new FlakyStore(_backing);
        _cached = new CachingAuthorizationStore(_flaky, Ttl, _clock);
    }

    private async Task<NewCredential> KeyForAliceAsync(DateTimeOffset? expiresAt = null)
    {
        await _backing.PutPrincipalAsync(Principal("alice"), Admin);
        var key = Key("alice", expiresAt: expiresAt);
        await _backing.CreateCredentialAsync(key, Admin);
        return key;
    }

    [Fact]
    public async Task A_revocation_elsewhere_is_visible_once_the_cache_ttl_has_passed()
    {
        var key = await KeyForAliceAsync();
        Assert.NotNull(await _cached.FindUsableCredentialByHashAsync(key.Sha256));

        await _backing.RevokeCredentialAsync(key.KeyId, Admin);
        _clock.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await _cached.FindUsableCredentialByHashAsync(key.Sha256)); // still cached: the documented window

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await _cached.FindUsableCredentialByHashAsync(key.Sha256));
    }

    [Fact]
    public async Task Concurrent_misses_for_one_principal_send_the_store_one_read()
    {
        await _backing.PutPrincipalAsync(Principal("alice"), Admin);
        var release = new TaskCompletionSource();
        _flaky.Held = release.Task;

        var reads = Enumerable.Range(0, 50).Select(_ => _cached.GetPrincipalAsync("alice")).ToArray();
        release.SetResult();
        var principals = await Task.WhenAll(reads);

        Assert.All(principals, p => Assert.Equal("alice", p?.Id));
        Assert.Equal(1, _flaky.Calls);
    }

    [Fact]
    public async Task A_read_after_a_change_through_the_cache_does_not_join_a_read_that_began_before_it()
    {
        await _backing.PutPrincipalAsync(Principal("alice"), Admin);
        var release = new TaskCompletionSource();
        _flaky.Held = release.Task;
        var before = _cached.GetPrincipalAsync("alice");                        // held: began before the change

        _flaky.Held = null;
        await _cached.PutPrincipalAsync(Principal("alice") with { Disabled = true }, Admin);
        var after = await _cached.GetPrincipalAsync("alice").WaitAsync(TimeSpan.FromSeconds(10)); // joining the held read would never end
        release.SetResult();
        await before;

        Assert.True(after!.Disabled);
        Assert.True((await _cached.GetPrincipalAsync("alice"))!.Disabled);     // the older read's answer was not cached
    }

    [Fact]
    public async Task A_failed_read_shared_by_concurrent_callers_fails_each_of_them_and_is_not_cached()
    {
        await _backing.PutPrincipalAsync(Principal("alice"), Admin);
        var release = new TaskCompletionSource();
        _flaky.Held = release.Task;
        _flaky.Down = true;

        var reads = Enumerable.Range(0, 5).Select(_ => _cached.GetPrincipalAsync("alice")).ToArray();
        release.SetResult();
        foreach (var read in reads) await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => read);

        _flaky.Held = null;
        _flaky.Down = false;
        Assert.NotNull(await _cached.GetPrincipalAsync("alice"));
        Assert.Equal(2, _flaky.Calls);
    }

    [Fact]
    public async Task A_revocation_through_the_cache_is_visible_at_once()
    {
        var key = await KeyForAliceAsync();
        Assert.NotNull(await _cached.FindUsableCredentialByHashAsync(key.Sha256));

        await _cached.RevokeCredentialAsync(key.KeyId, Admin);

        Assert.Null(await _cached.FindUsableCredentialByHashAsync(key.Sha256));
    }

    [Fact]
    public async Task A_principal_disabled_elsewhere_is_seen_disabled_once_the_cache_ttl_has_passed()
    {
        await _backing.PutPrincipalAsync(Principal("alice"), Admin);
        Assert.False((await _cached.GetPrincipalAsync("alice"))!.Disabled);

        await _backing.PutPrincipalAsync(Principal("alice") with { Disabled = true }, Admin);
        Assert.False((await _cached.GetPrincipalAsync("alice"))!.Disabled);

        _clock.Advance(Ttl);
        Assert.True((await _cached.GetPrincipalAsync("alice"))!.Disabled);
    }

    [Fact]
    public async Task A_principal_change_through_the_cache_is_visible_at_once()
    {
        await _backing.PutPrincipalAsync(Principal("alice"), Admin);
        await _cached.GetPrincipalAsync("alice");

        await _cached.PutPrincipalAsync(Principal("alice") with { Disabled = true }, Admin);

        Assert.True((await _cached.GetPrincipalAsync("alice"))!.Disabled);
    }

    [Fact]
    public async Task Not_found_answers_are_cached_too()
    {
        var hash = Sha256(Secret());
        Assert.Null(await _cached.FindUsableCredentialByHashAsync(hash));
        Assert.Null(await _cached.GetPrincipalAsync("bob"));
        var calls = _flaky.Calls;

        Assert.Null(await _cached.FindUsableCredentialByHashAsync(hash));
        Assert.Null(await _cached.GetPrincipalAsync("bob"));

        Assert.Equal(calls, _flaky.Calls);
    }

    [Fact]
    public async Task A_key_created_through_the_cache_is_found_at_once_despite_a_cached_miss()
    {
        await _backing.PutPrincipalAsync(Principal("alice"), Admin);
        var key = Key("alice");
        Assert.Null(await _cached.FindUsableCredentialByHashAsync(key.Sha256));

        await _cached.CreateCredentialAsync(key, Admin);

        Assert.NotNull(await _cached.FindUsableCredentialByHashAsync(key.Sha256));
    }

    [Fact]
    public async Task A_cached_credential_is_refused_the_moment_it_expires()
    {
        var key = await KeyForAliceAsync(expiresAt: Start.AddSeconds(5));
        Assert.NotNull(await _cached.FindUsableCredentialByHashAsync(key.Sha256));
        var calls = _flaky.Calls;

        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Null(await _cached.FindUsableCredentialByHashAsync(key.Sha256));
        Assert.Equal(calls, _flaky.Calls); // refused from the cache itself, before its TTL
    }

    [Fact]
    public async Task A_route_policy_change_through_the_cache_is_visible_at_once_and_elsewhere_after_the_ttl()
    {
        Assert.Null(await _cached.GetRouteRulesAsync());
        await _cached.PutRouteRulesAsync(RouteRules.Default, Admin);
        Assert.Equal(RouteRules.Default.Rules, (await _cached.GetRouteRulesAsync())!.Rules);

        var narrowed = new RouteRules([new RouteRule("GET", "/protected", RequiredRole: "admin")]);
        await _backing.PutRouteRulesAsync(narrowed, Admin);
        Assert.Equal(RouteRules.Default.Rules, (await _cached.GetRouteRulesAsync())!.Rules);

        _clock.Advance(Ttl);
        Assert.Equal(narrowed.Rules, (await _cached.GetRouteRulesAsync())!.Rules);
    }

    [Fact]
    public async Task A_store_failure_is_passed_on_and_never_cached()
    {
        var key = await KeyForAliceAsync();
        _flaky.Down = true;

        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => _cached.FindUsableCredentialByHashAsync(key.Sha256));
        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => _cached.GetPrincipalAsync("alice"));

        _flaky.Down = false;
        Assert.NotNull(await _cached.FindUsableCredentialByHashAsync(key.Sha256));
        Assert.NotNull(await _cached.GetPrincipalAsync("alice"));
    }

    [Fact]
    public async Task The_cache_stays_bounded_under_a_flood_of_unknown_hashes()
    {
        var key = await KeyForAliceAsync();
        for (var i = 0; i <= CachingAuthorizationStore.MaxEntriesPerCache; i++)
            await _cached.FindUsableCredentialByHashAsync(Sha256(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // Still answers correctly (the flood evicted, it did not poison).
        Assert.NotNull(await _cached.FindUsableCredentialByHashAsync(key.Sha256));
        await _backing.RevokeCredentialAsync(key.KeyId, Admin);
        _clock.Advance(Ttl);
        Assert.Null(await _cached.FindUsableCredentialByHashAsync(key.Sha256));
    }
}
