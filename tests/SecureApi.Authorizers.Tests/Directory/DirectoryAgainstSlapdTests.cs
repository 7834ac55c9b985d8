using System.Net;
using System.Net.Sockets;
using System.Text;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Authorizers.Directory;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests.Directory;

/// <summary>`Authorization: Basic` at the REQUEST authorizer against a real OpenLDAP slapd over ldaps (docs/directory.md).</summary>
[Trait("Category", "Integration")]
public sealed class DirectoryAgainstSlapdTests(SlapdFixture slapd) : IClassFixture<SlapdFixture>
{
    private readonly ManualClock _clock = new();
    private readonly InMemoryRateLimitCounterStore _counters = new(TimeProvider.System);

    private DirectoryOptions Options(Action<DirectoryOptions>? change = null)
    {
        var options = new DirectoryOptions
        {
            Url = slapd.Server.LdapsUrl,
            BindDnTemplate = "uid={0}," + SlapdServer.PeopleDn,
            TrustedCaCertificates = slapd.Server.CaCertificatePem,
            GroupRoleMap = new(StringComparer.OrdinalIgnoreCase) { ["admins"] = "admin" },
            GroupPermissionMap = new(StringComparer.OrdinalIgnoreCase) { ["cn=readers," + SlapdServer.GroupsDn] = "read" },
        };
        change?.Invoke(options);
        return options;
    }

    private static DirectoryOptions SearchFirst(DirectoryOptions o)
    {
        o.BindDnTemplate = null;
        o.ServiceBindDn = SlapdServer.ServiceDn;
        o.ServicePassword = SlapdServer.ServicePassword;
        o.UserSearchBase = SlapdServer.PeopleDn;
        o.UserFilter = "(&(objectClass=inetOrgPerson)(uid={0}))";
        return o;
    }

    private RequestAuthorizer Authorizer(DirectoryOptions options, IAuthorizationStore? store = null) =>
        new(new RequestAuthorizerOptions(), null, store ?? new InMemoryAuthorizationStore(), new DirectoryAuthenticator(options, _counters, _clock));

    private static SecureApi.Lambda.APIGatewayEvents.APIGatewayCustomAuthorizerRequest Basic(string user, string password, string arn = Events.AdminArn) =>
        Events.Request(headers: new() { ["Authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)) }, methodArn: arn);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Right_password_is_allowed_as_directory_principal_with_the_roles_and_permissions_its_groups_map_to(bool searchFirst)
    {
        var authorizer = Authorizer(searchFirst ? SearchFirst(Options()) : Options());

        var decision = await authorizer.AuthorizeAsync(Basic("alice", SlapdFixture.AlicePassword));

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        var context = decision.Response!.Context!;
        Assert.Equal("directory:alice", context[AuthorizerContextKeys.PrincipalId]);
        Assert.Equal(AuthTypes.Directory, context[AuthorizerContextKeys.AuthType]);
        Assert.Equal("admin", context[AuthorizerContextKeys.Role]);
        Assert.Equal("read", context[AuthorizerContextKeys.Permissions]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Plain_ldap_works_with_StartTls_and_without_it_to_a_loopback_address(bool startTls)
    {
        var decision = await Authorizer(Options(o => { o.Url = slapd.Server.LdapUrl; o.StartTls = startTls; }))
            .AuthorizeAsync(Basic("alice", SlapdFixture.AlicePassword));

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
    }

    [Fact]
    public async Task A_user_whose_groups_map_to_no_role_is_denied_the_admin_route_but_allowed_what_its_permission_covers()
    {
        var authorizer = Authorizer(Options());

        Assert.Equal(AuthorizerOutcome.Deny, (await authorizer.AuthorizeAsync(Basic("bob", SlapdFixture.BobPassword))).Outcome);
        Assert.Equal(AuthorizerOutcome.Allow, (await authorizer.AuthorizeAsync(Basic("bob", SlapdFixture.BobPassword, Events.ProtectedArn))).Outcome);
    }

    [Theory]
    [InlineData("alice", "wrong-password", ReasonCodes.InvalidCredential)]
    [InlineData("nobody", SlapdFixture.AlicePassword, ReasonCodes.InvalidCredential)]
    [InlineData("alice", "", ReasonCodes.MalformedCredential)]
    public async Task Wrong_password_unknown_user_and_empty_password_are_401(string user, string password, string reason)
    {
        foreach (var options in new[] { Options(), SearchFirst(Options()) })
        {
            var decision = await Authorizer(options).AuthorizeAsync(Basic(user, password));

            Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
            Assert.Equal(reason, decision.ReasonCode);
        }
    }

    [Fact]
    public async Task A_disabled_store_principal_is_401_even_with_the_right_password()
    {
        var store = new InMemoryAuthorizationStore().Seed(new PrincipalRecord("directory:bob", [], [], Disabled: true, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));

        var decision = await Authorizer(Options(), store).AuthorizeAsync(Basic("bob", SlapdFixture.BobPassword));

        Assert.Equal(ReasonCodes.PrincipalDisabled, decision.ReasonCode);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("al*")]
    [InlineData("alice)(uid=*")]
    [InlineData("*)(|(uid=*")]
    [InlineData("alice\\")]
    [InlineData("alice,ou=people")]
    [InlineData("alice+cn=alice")]
    [InlineData("\"alice\"")]
    [InlineData("<alice>")]
    [InlineData("alice;")]
    [InlineData("#alice")]
    [InlineData(" alice")]
    [InlineData("alice ")]
    [InlineData("alice\0")]
    public async Task An_injection_character_in_the_user_name_does_not_widen_the_bind_or_the_search(string user)
    {
        foreach (var options in new[] { Options(), SearchFirst(Options()) })
        {
            var decision = await Authorizer(options).AuthorizeAsync(Basic(user, SlapdFixture.AlicePassword));

            Assert.Equal(AuthorizerOutcome.Unauthorized, decision.Outcome);
        }
    }

    [Fact]
    public async Task The_sixth_failed_bind_in_15_minutes_does_not_reach_the_directory()
    {
        var authorizer = Authorizer(Options());
        var carol = SlapdFixture.UserDn("carol");
        var before = await SettledBindsAsync(carol, resultCode: 49);

        var reasons = new List<string>();
        for (var i = 0; i < 6; i++) reasons.Add((await authorizer.AuthorizeAsync(Basic("carol", "guess-" + i))).ReasonCode);
        // The right password, too, waits for the window to pass: the directory is not asked.
        reasons.Add((await authorizer.AuthorizeAsync(Basic("Carol", SlapdFixture.CarolPassword))).ReasonCode);

        Assert.Equal([.. Enumerable.Repeat(ReasonCodes.InvalidCredential, 5), ReasonCodes.DirectoryLocked, ReasonCodes.DirectoryLocked], reasons);
        Assert.Equal(5, await BindsLoggedAsync(carol, 49, before + 5) - before);
    }

    [Fact]
    public async Task A_cached_right_password_is_not_checked_again_until_the_cache_expires()
    {
        var authorizer = Authorizer(Options(o => o.CacheSeconds = 60));
        var alice = SlapdFixture.UserDn("alice");
        var before = await SettledBindsAsync(alice, resultCode: 0);

        Assert.Equal(AuthorizerOutcome.Allow, (await authorizer.AuthorizeAsync(Basic("alice", SlapdFixture.AlicePassword))).Outcome);
        Assert.Equal(AuthorizerOutcome.Allow, (await authorizer.AuthorizeAsync(Basic("alice", SlapdFixture.AlicePassword))).Outcome);
        Assert.Equal(before + 1, await BindsLoggedAsync(alice, 0, before + 1));

        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(AuthorizerOutcome.Allow, (await authorizer.AuthorizeAsync(Basic("alice", SlapdFixture.AlicePassword))).Outcome);
        Assert.Equal(before + 2, await BindsLoggedAsync(alice, 0, before + 2));
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_401()
    {
        var decision = await Authorizer(Options(o => o.TrustedCaCertificates = SlapdServer.OtherCaPem()))
            .AuthorizeAsync(Basic("alice", SlapdFixture.AlicePassword));

        Assert.Equal(ReasonCodes.DirectoryUnavailable, decision.ReasonCode);
    }

    [Fact]
    public async Task A_stopped_directory_is_401()
    {
        await using var stopped = await SlapdServer.StartAsync("");
        var url = stopped.LdapsUrl;
        stopped.Stop();

        var decision = await Authorizer(Options(o => o.Url = url)).AuthorizeAsync(Basic("alice", SlapdFixture.AlicePassword));

        Assert.Equal(ReasonCodes.DirectoryUnavailable, decision.ReasonCode);
    }

    [Fact]
    public async Task A_port_that_accepts_and_never_answers_is_401_at_the_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = silent.AcceptTcpClientAsync();

        var decision = await Authorizer(Options(o => { o.Url = $"ldaps://127.0.0.1:{port}"; o.TimeoutMilliseconds = 500; }))
            .AuthorizeAsync(Basic("alice", SlapdFixture.AlicePassword));

        Assert.Equal(ReasonCodes.DirectoryUnavailable, decision.ReasonCode);
        using var connection = await accepted; // the client connected, and the listener never said a word
        Assert.True(connection.Connected);
    }

    [Fact]
    public async Task A_port_that_answers_garbage_is_401()
    {
        using var garbage = new TcpListener(IPAddress.Loopback, 0);
        garbage.Start();
        var port = ((IPEndPoint)garbage.LocalEndpoint).Port;
        var answering = Task.Run(async () =>
        {
            using var client = await garbage.AcceptTcpClientAsync();
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n\r\nnot ldap at all\r\n"));
            await stream.ReadAtLeastAsync(new byte[4096], 1, throwOnEndOfStream: false); // whatever the client sends, then close
        });

        var decision = await Authorizer(Options(o => o.Url = $"ldaps://127.0.0.1:{port}")).AuthorizeAsync(Basic("alice", SlapdFixture.AlicePassword));

        Assert.Equal(ReasonCodes.DirectoryUnavailable, decision.ReasonCode);
        garbage.Stop();
        await Task.WhenAny(answering);
    }

    /// <summary>slapd writes its log asynchronously: wait (bounded) until <paramref name="atLeast"/> lines are there.</summary>
    /// <summary>The binds slapd has logged once its log stops growing: an earlier test's binds can still be arriving.</summary>
    private async Task<int> SettledBindsAsync(string dn, int resultCode)
    {
        var count = slapd.Server.CountBinds(dn, resultCode);
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(200);
            var now = slapd.Server.CountBinds(dn, resultCode);
            if (now == count) return now;
            count = now;
        }
        return count;
    }

    private async Task<int> BindsLoggedAsync(string dn, int resultCode, int atLeast)
    {
        var count = 0;
        for (var i = 0; i < 100 && (count = slapd.Server.CountBinds(dn, resultCode)) < atLeast; i++) await Task.Delay(50);
        await Task.Delay(200); // and none beyond it arrive late
        return slapd.Server.CountBinds(dn, resultCode);
    }
}
