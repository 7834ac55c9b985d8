using System.Text;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Authorizers.Directory;

using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests.Directory;

/// <summary>The order of checks, the failed-bind limit and the cache, with a directory double (no slapd).</summary>
public sealed class DirectoryAuthenticatorTests
{
    private readonly ManualClock _clock = new();
    private readonly FakeDirectory _directory = new();

    private sealed class FakeDirectory : IDirectoryClient
    {
        public int Checks;
        public string RightPassword = "right";
        public Func<DirectoryAnswer>? Answer;

        public DirectoryAnswer Check(string userName, string password)
        {
            Interlocked.Increment(ref Checks);
            if (Answer is not null) return Answer();
            return password == RightPassword
                ? new(DirectoryVerdict.Authenticated, userName, ["cn=Admins,ou=groups,dc=corp", "cn=staff,ou=groups,dc=corp"])
                : DirectoryAnswer.Invalid;
        }
    }

    private DirectoryAuthenticator Authenticator(IRateLimitCounterStore? counters = null, int timeoutMilliseconds = 2000) => new(new DirectoryOptions
    {
        Url = "ldaps://dc1.corp.example.com",
        BindDnTemplate = "uid={0},ou=people,dc=corp",
        GroupRoleMap = new(StringComparer.OrdinalIgnoreCase) { ["admins"] = "admin,auditor" },
        GroupPermissionMap = new(StringComparer.OrdinalIgnoreCase) { ["cn=staff,ou=groups,dc=corp"] = "read" },
        TimeoutMilliseconds = timeoutMilliseconds,
    }, counters ?? new InMemoryRateLimitCounterStore(_clock), _clock, _directory);

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    [Fact]
    public async Task Groups_map_to_roles_by_CN_and_to_permissions_by_DN_under_a_directory_principal_id()
    {
        var result = await Authenticator().AuthenticateAsync(Basic("alice", "right"), default);

        Assert.Equal("directory:alice", result.Identity!.PrincipalId);
        Assert.Equal(["admin", "auditor"], result.Identity.Roles);
        Assert.Equal(["read"], result.Identity.Permissions);
    }

    [Fact]
    public async Task An_empty_password_is_refused_without_asking_the_directory()
    {
        var result = await Authenticator().AuthenticateAsync(Basic("alice", ""), default);

        Assert.Equal(ReasonCodes.MalformedCredential, result.ReasonCode);
        Assert.Equal(0, _directory.Checks);
    }

    [Fact]
    public async Task After_five_failures_the_directory_is_not_asked_for_that_user_name_in_any_spelling_until_the_window_passes()
    {
        var authenticator = Authenticator();
        for (var i = 0; i < 5; i++) await authenticator.AuthenticateAsync(Basic("alice", "wrong" + i), default);

        foreach (var spelling in new[] { "alice", "ALICE", "Alice" })
            Assert.Equal(ReasonCodes.DirectoryLocked, (await authenticator.AuthenticateAsync(Basic(spelling, "right"), default)).ReasonCode);
        Assert.Equal(5, _directory.Checks);
        Assert.Equal(ReasonCodes.InvalidCredential, (await authenticator.AuthenticateAsync(Basic("bob", "wrong"), default)).ReasonCode);

        _clock.Advance(FailedBindCounter.Window * 2);
        Assert.NotNull((await authenticator.AuthenticateAsync(Basic("alice", "right"), default)).Identity);
    }

    [Fact]
    public async Task Failures_late_in_one_window_still_count_early_in_the_next()
    {
        var authenticator = Authenticator();
        var now = _clock.GetUtcNow();
        var windowMs = (long)FailedBindCounter.Window.TotalMilliseconds;
        _clock.Advance(TimeSpan.FromMilliseconds(windowMs - now.ToUnixTimeMilliseconds() % windowMs - 1000)); // 1 s before a bucket ends
        for (var i = 0; i < 5; i++) await authenticator.AuthenticateAsync(Basic("alice", "wrong" + i), default);

        _clock.Advance(TimeSpan.FromSeconds(2)); // the next bucket
        Assert.Equal(ReasonCodes.DirectoryLocked, (await authenticator.AuthenticateAsync(Basic("alice", "wrong"), default)).ReasonCode);
        Assert.Equal(5, _directory.Checks);
    }

    [Fact]
    public async Task A_right_password_gives_its_reserved_failure_back()
    {
        var authenticator = Authenticator(counters: new InMemoryRateLimitCounterStore(_clock));
        for (var i = 0; i < 4; i++) await authenticator.AuthenticateAsync(Basic("alice", "wrong" + i), default);
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(DirectoryOptions.MaxCacheSeconds + 1)); // past the cache: the directory is asked each time
            Assert.NotNull((await authenticator.AuthenticateAsync(Basic("alice", "right"), default)).Identity);
        }

        Assert.Equal(ReasonCodes.InvalidCredential, (await authenticator.AuthenticateAsync(Basic("alice", "wrong"), default)).ReasonCode);
    }

    [Fact]
    public async Task A_right_password_is_served_from_the_cache_until_it_expires_and_a_wrong_one_never_is()
    {
        var authenticator = Authenticator();
        await authenticator.AuthenticateAsync(Basic("alice", "right"), default);
        await authenticator.AuthenticateAsync(Basic("alice", "right"), default);
        Assert.Equal(1, _directory.Checks);
        Assert.Equal(ReasonCodes.InvalidCredential, (await authenticator.AuthenticateAsync(Basic("alice", "wrong"), default)).ReasonCode);

        _clock.Advance(TimeSpan.FromSeconds(DirectoryOptions.DefaultCacheSeconds));
        await authenticator.AuthenticateAsync(Basic("alice", "right"), default);
        Assert.Equal(3, _directory.Checks);
    }

    [Fact]
    public async Task A_directory_that_never_answers_is_unavailable_at_the_timeout()
    {
        using var never = new ManualResetEventSlim();
        _directory.Answer = () => { never.Wait(TimeSpan.FromSeconds(30)); return DirectoryAnswer.Invalid; };

        var result = await Authenticator(timeoutMilliseconds: 100).AuthenticateAsync(Basic("alice", "right"), default);

        Assert.Equal(ReasonCodes.DirectoryUnavailable, result.ReasonCode);
        never.Set();
    }

    [Fact]
    public async Task A_counter_store_that_fails_fails_the_decision_closed()
    {
        var authorizer = new RequestAuthorizer(new RequestAuthorizerOptions(), null, new SecureApi.AuthorizationStore.InMemoryAuthorizationStore(),
            Authenticator(counters: new BrokenCounters()));

        var decision = await authorizer.AuthorizeAsync(Events.Request(headers: new() { ["Authorization"] = Basic("alice", "right") }));

        Assert.Equal((AuthorizerOutcome.Unauthorized, ReasonCodes.StoreUnavailable), (decision.Outcome, decision.ReasonCode));
        Assert.Equal(0, _directory.Checks);
    }

    [Fact]
    public async Task A_bearer_header_is_not_a_directory_credential_and_falls_through_as_before()
    {
        var authorizer = new RequestAuthorizer(new RequestAuthorizerOptions(), null, new SecureApi.AuthorizationStore.InMemoryAuthorizationStore(), Authenticator());

        var decision = await authorizer.AuthorizeAsync(Events.Request(headers: new() { ["Authorization"] = "Bearer abc.def.ghi" }));

        Assert.Equal(ReasonCodes.MissingCredential, decision.ReasonCode);
    }

    private sealed class BrokenCounters : IRateLimitCounterStore
    {
        public ValueTask<RateLimitDecision> TryTakeAsync(string partition, RatePlan plan, long lastWindow, CancellationToken cancellationToken = default) =>
            throw new SecureApi.AuthorizationStore.AuthorizationStoreUnavailableException("down");
        public ValueTask GiveBackAsync(string partition, RateLimitDecision taken, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
        public Task<RateUsage> GetUsageAsync(string partition, RatePlan plan, CancellationToken cancellationToken = default) =>
            throw new SecureApi.AuthorizationStore.AuthorizationStoreUnavailableException("down");
    }
}
