using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>Per-principal and per-address limits through the local stage, on the in-memory counters and a standing clock.</summary>
public sealed class RateLimitingTests
{
    private static SecureApiFactory WithDefaultPlan(int rate, int burst, long quota, string period = "day", Action<IServiceCollection>? services = null,
        params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RateLimits:DefaultPlan:RatePerSecond"] = rate.ToString(),
            ["RateLimits:DefaultPlan:Burst"] = burst.ToString(),
            ["RateLimits:DefaultPlan:Quota"] = quota.ToString(),
            ["RateLimits:DefaultPlan:QuotaPeriod"] = period,
        };
        foreach (var (key, value) in more) settings[key] = value;
        return new SecureApiFactory { ExtraConfiguration = settings, ExtraServices = services };
    }

    private static async Task<List<(int Status, string Body, IHeaderDictionary Headers)>> CallAsync(SecureApiFactory factory, CaseRequest request, int times)
    {
        var results = new List<(int, string, IHeaderDictionary)>();
        for (var i = 0; i < times; i++) results.Add(await factory.SendAsync(request));
        return results;
    }

    [Fact]
    public async Task A_principal_over_its_rate_gets_429_problem_with_retry_after()
    {
        await using var factory = WithDefaultPlan(rate: 2, burst: 2, quota: 1000);

        var r = await CallAsync(factory, new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey), 3);

        Assert.Equal([200, 200, 429], r.Select(x => x.Status));
        Assert.Equal("application/problem+json", r[2].Headers.ContentType.ToString());
        Assert.Equal("1", r[2].Headers.RetryAfter.ToString());
        var problem = AdminCalls.Json(r[2].Body);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("Too Many Requests", problem.GetProperty("title").GetString());
        Assert.Equal("burst", problem.GetProperty("policy").GetString());
    }

    [Fact]
    public async Task Every_limited_response_carries_the_ratelimit_policy_and_ratelimit_fields()
    {
        await using var factory = WithDefaultPlan(rate: 2, burst: 2, quota: 1000);
        var secondsToMidnight = (long)Math.Ceiling((factory.Clock.GetUtcNow().UtcDateTime.Date.AddDays(1) - factory.Clock.GetUtcNow().UtcDateTime).TotalSeconds);

        var r = await CallAsync(factory, new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey), 3);

        Assert.All(r, x => Assert.Equal("\"burst\";q=2;w=1, \"quota\";q=1000;w=86400", x.Headers["RateLimit-Policy"].ToString()));
        Assert.Equal($"\"burst\";r=1;t=1, \"quota\";r=999;t={Math.Max(1, secondsToMidnight)}", r[0].Headers["RateLimit"].ToString());
        Assert.StartsWith("\"burst\";r=0;t=1, \"quota\";r=998;", r[1].Headers["RateLimit"].ToString());
        Assert.StartsWith("\"burst\";r=0;t=1, \"quota\";r=998;", r[2].Headers["RateLimit"].ToString());
    }

    [Fact]
    public async Task A_principal_over_its_quota_gets_429_with_retry_after_until_the_utc_day_ends()
    {
        await using var factory = WithDefaultPlan(rate: 100, burst: 100, quota: 2);
        var now = factory.Clock.GetUtcNow();
        var secondsToMidnight = (long)Math.Ceiling((now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime).TotalSeconds);

        var r = await CallAsync(factory, new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey), 3);

        Assert.Equal([200, 200, 429], r.Select(x => x.Status));
        Assert.Equal(Math.Max(1, secondsToMidnight).ToString(), r[2].Headers.RetryAfter.ToString());
        Assert.Equal("quota", AdminCalls.Json(r[2].Body).GetProperty("policy").GetString());
    }

    [Fact]
    public async Task Public_routes_are_limited_per_source_address()
    {
        await using var factory = WithDefaultPlan(rate: 2, burst: 2, quota: 1000);

        var first = await CallAsync(factory, new CaseRequest("GET", "/public", SourceIp: "198.51.100.20"), 3);
        var other = await CallAsync(factory, new CaseRequest("GET", "/public", SourceIp: "198.51.100.21"), 2);

        Assert.Equal([200, 200, 429], first.Select(x => x.Status));
        Assert.Equal([200, 200], other.Select(x => x.Status));
        Assert.NotEmpty(other[0].Headers["RateLimit"].ToString());
    }

    [Fact]
    public async Task A_principals_own_plan_set_through_the_admin_api_limits_it_and_usage_shows_what_remains()
    {
        await using var factory = new SecureApiFactory();
        await factory.SendAsync("PUT", "/principals/alice", """{"roles":["admin"],"permissions":[],"plan":{"quota":2}}""");
        var (_, keyBody, _) = await factory.SendAsync("POST", "/principals/alice/keys", """{"kind":"api-key"}""");
        var secret = AdminCalls.Json(keyBody).GetProperty("secret").GetString()!;
        var alice = new ResolvedCaseRequest("GET", "/protected/admin", [], [new("api_key", secret)], GatewayTestCredentials.DefaultSourceIp);

        var r = new List<int>();
        for (var i = 0; i < 3; i++) r.Add((await factory.SendAsync(alice)).Status);
        var (usageStatus, usageBody, _) = await factory.SendAsync("GET", "/principals/alice/usage");
        var (principalStatus, principalBody, _) = await factory.SendAsync("GET", "/principals/alice");
        var (unknown, _, _) = await factory.SendAsync("GET", "/principals/nobody/usage");

        Assert.Equal([200, 200, 429], r);
        Assert.Equal(200, usageStatus);
        var usage = AdminCalls.Json(usageBody);
        Assert.Equal(2, usage.GetProperty("plan").GetProperty("quota").GetInt64());
        Assert.Equal(100000, usage.GetProperty("plan").GetProperty("ratePerSecond").GetInt32()); // absent field: the default plan's
        Assert.Equal("day", usage.GetProperty("plan").GetProperty("quotaPeriod").GetString());
        Assert.Equal((2, 2, 0), (usage.GetProperty("quota").GetProperty("limit").GetInt64(), usage.GetProperty("quota").GetProperty("used").GetInt64(), usage.GetProperty("quota").GetProperty("remaining").GetInt64()));
        Assert.Equal(200, principalStatus);
        Assert.Equal(2, AdminCalls.Json(principalBody).GetProperty("plan").GetProperty("quota").GetInt64());
        Assert.Equal(404, unknown);
    }

    [Fact]
    public async Task A_route_limit_in_the_default_plan_refuses_that_route_while_the_principals_other_routes_still_serve()
    {
        await using var factory = WithDefaultPlan(rate: 100, burst: 100, quota: 1000, more:
            [("RateLimits:DefaultPlan:Routes:0:Verb", "GET"), ("RateLimits:DefaultPlan:Routes:0:Path", "/protected/admin"),
             ("RateLimits:DefaultPlan:Routes:0:RatePerSecond", "1"), ("RateLimits:DefaultPlan:Routes:0:Burst", "1")]);

        var limited = await CallAsync(factory, new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey), 2);
        var other = await factory.SendAsync(new CaseRequest("GET", "/protected/admin/routes", CaseCredential.AdminApiKey));

        Assert.Equal([200, 429], limited.Select(x => x.Status));
        Assert.Equal("route-burst", AdminCalls.Json(limited[1].Body).GetProperty("policy").GetString());
        Assert.Equal("1", limited[1].Headers.RetryAfter.ToString());
        Assert.Equal("\"burst\";q=100;w=1, \"quota\";q=1000;w=86400, \"route-burst\";q=1;w=1, \"route-quota\";q=1000;w=86400",
            limited[0].Headers["RateLimit-Policy"].ToString());
        Assert.StartsWith("\"burst\";r=99;t=1, \"quota\";r=999;t=", limited[0].Headers["RateLimit"].ToString());
        Assert.Contains("\"route-burst\";r=0;t=1, \"route-quota\";r=999;t=", limited[0].Headers["RateLimit"].ToString());
        Assert.StartsWith("\"route-burst\";r=0;t=1", limited[1].Headers["RateLimit"].ToString()); // refused on the route: the plan's counters untouched
        Assert.Equal(200, other.Status);
        Assert.DoesNotContain("route-", other.Headers["RateLimit-Policy"].ToString());
    }

    [Fact]
    public async Task A_principals_own_route_limit_set_through_the_admin_api_applies_to_that_route_and_usage_shows_its_counts()
    {
        await using var factory = new SecureApiFactory();
        var (putStatus, putBody, _) = await factory.SendAsync("PUT", "/principals/alice",
            """{"roles":["admin"],"permissions":[],"plan":{"routes":[{"verb":"GET","path":"/protected/admin","quota":2}]}}""");
        var alice = await AliceAsync(factory, "/protected/admin");

        var r = new List<int>();
        for (var i = 0; i < 2; i++) r.Add((await factory.SendAsync(alice)).Status);
        var refused = await factory.SendAsync(alice);
        var otherRoute = await factory.SendAsync(alice with { Path = "/protected/admin/routes" });
        var usage = AdminCalls.Json((await factory.SendAsync("GET", "/principals/alice/usage")).Body);

        Assert.Equal(201, putStatus);
        Assert.Equal("GET", AdminCalls.Json(putBody).GetProperty("plan").GetProperty("routes")[0].GetProperty("verb").GetString());
        Assert.Equal([200, 200], r);
        Assert.Equal(429, refused.Status);
        Assert.Equal("route-quota", AdminCalls.Json(refused.Body).GetProperty("policy").GetString());
        Assert.Equal(200, otherRoute.Status);
        var route = usage.GetProperty("routes")[0];
        Assert.Equal(("GET", "/protected/admin"), (route.GetProperty("verb").GetString(), route.GetProperty("path").GetString()));
        Assert.Equal((2L, 2L, 0L), (route.GetProperty("quota").GetProperty("limit").GetInt64(), route.GetProperty("quota").GetProperty("used").GetInt64(), route.GetProperty("quota").GetProperty("remaining").GetInt64()));
        Assert.Equal(3, usage.GetProperty("quota").GetProperty("used").GetInt64()); // 2 on the route + 1 elsewhere; the route's refusals count nowhere
        Assert.Equal(2, usage.GetProperty("plan").GetProperty("routes")[0].GetProperty("quota").GetInt64());
    }

    [Fact]
    public async Task A_request_the_plans_limit_refuses_after_it_passed_the_route_limit_is_not_counted_on_the_route()
    {
        await using var factory = new SecureApiFactory();
        await factory.SendAsync("PUT", "/principals/alice",
            """{"roles":["admin"],"permissions":[],"plan":{"quota":2,"routes":[{"verb":"GET","path":"/protected/admin","quota":2}]}}""");
        var alice = await AliceAsync(factory, "/protected/admin/routes");

        var elsewhere = new[] { (await factory.SendAsync(alice)).Status, (await factory.SendAsync(alice)).Status };
        var onRoute = await factory.SendAsync(alice with { Path = "/protected/admin" });
        var usage = AdminCalls.Json((await factory.SendAsync("GET", "/principals/alice/usage")).Body);

        Assert.Equal([200, 200], elsewhere);
        Assert.Equal(429, onRoute.Status);
        Assert.Equal("quota", AdminCalls.Json(onRoute.Body).GetProperty("policy").GetString());
        Assert.Equal(0, usage.GetProperty("routes")[0].GetProperty("quota").GetProperty("used").GetInt64());
        Assert.Equal(2, usage.GetProperty("quota").GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task A_caller_the_plan_refused_keeps_getting_429_on_a_route_with_its_own_limit_without_another_counter_update()
    {
        CountingCounterStore? counters = null;
        await using var factory = WithDefaultPlan(rate: 100, burst: 100, quota: 2,
            services: s => s.AddSingleton<IRateLimitCounterStore>(sp => counters = new CountingCounterStore(new InMemoryRateLimitCounterStore(sp.GetRequiredService<TimeProvider>()))),
            more: [("RateLimits:DefaultPlan:Routes:0:Verb", "GET"), ("RateLimits:DefaultPlan:Routes:0:Path", "/protected/admin"), ("RateLimits:DefaultPlan:Routes:0:Quota", "2")]);
        var admin = new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey);

        await CallAsync(factory, admin with { Path = "/protected/admin/routes" }, 2);   // the plan's quota spent elsewhere
        var first = await factory.SendAsync(admin);                                     // route taken, plan refuses, route given back
        var callsAfterFirst = counters!.Calls;
        var again = await CallAsync(factory, admin, 3);

        Assert.Equal(429, first.Status);
        Assert.All(again, r => Assert.Equal(("quota", 429), (AdminCalls.Json(r.Body).GetProperty("policy").GetString(), r.Status)));
        Assert.Equal(callsAfterFirst, counters.Calls);
    }

    private sealed class CountingCounterStore(IRateLimitCounterStore inner) : IRateLimitCounterStore
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<RateLimitDecision> TryTakeAsync(string partition, RatePlan plan, long lastWindow, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return inner.TryTakeAsync(partition, plan, lastWindow, cancellationToken);
        }

        public ValueTask GiveBackAsync(string partition, RateLimitDecision taken, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return inner.GiveBackAsync(partition, taken, cancellationToken);
        }

        public Task<RateUsage> GetUsageAsync(string partition, RatePlan plan, CancellationToken cancellationToken = default) =>
            inner.GetUsageAsync(partition, plan, cancellationToken);
    }

    private static async Task<ResolvedCaseRequest> AliceAsync(SecureApiFactory factory, string path)
    {
        var (_, keyBody, _) = await factory.SendAsync("POST", "/principals/alice/keys", """{"kind":"api-key"}""");
        var secret = AdminCalls.Json(keyBody).GetProperty("secret").GetString()!;
        return new ResolvedCaseRequest("GET", path, [], [new("api_key", secret)], GatewayTestCredentials.DefaultSourceIp);
    }

    public static TheoryData<string, string> InvalidRouteLimits => new()
    {
        { """[null]""", "plan.routes[0]" },
        { """[{"verb":"FETCH","path":"/protected/admin","quota":1}]""", "plan.routes[0].verb" },
        { """[{"verb":"GET","path":"/nowhere","quota":1}]""", "plan.routes[0].path" },
        { """[{"verb":"POST","path":"/protected/admin","quota":1}]""", "plan.routes[0].path" },                        // a route, not for that verb
        { """[{"verb":"GET","path":"/protected/admin/principals/alice","quota":1}]""", "plan.routes[0].path" },        // a request path, not the route pattern
        { """[{"verb":"GET","path":"/protected/admin"}]""", "plan.routes[0]" },                                        // sets no limit
        { """[{"verb":"GET","path":"/protected/admin","quota":1},{"verb":"GET","path":"/protected/admin","quota":2}]""", "plan.routes[1]" },
        { """[{"verb":"GET","path":"/protected/admin","burst":21}]""", "plan.routes[0].burst" },                      // above the plan's: not lower
        { """[{"verb":"GET","path":"/protected/admin","quota":0}]""", "plan.routes[0].quota" },
    };

    [Theory]
    [MemberData(nameof(InvalidRouteLimits))]
    public async Task An_invalid_route_limit_is_a_400_naming_the_field_and_writes_nothing(string routes, string field)
    {
        await using var factory = WithDefaultPlan(rate: 10, burst: 20, quota: 1000);

        var (status, body, _) = await factory.SendAsync("PUT", "/principals/alice", """{"roles":[],"permissions":[],"plan":{"routes":""" + routes + "}}");

        Assert.Equal(400, status);
        Assert.True(AdminCalls.Json(body).GetProperty("errors").TryGetProperty(field, out _), body);
        Assert.Null(await factory.Store().GetPrincipalAsync("alice"));
    }

    public static TheoryData<string, string> InvalidPlans => new()
    {
        { """{"ratePerSecond":0}""", "plan.ratePerSecond" },
        { """{"ratePerSecond":100001}""", "plan.ratePerSecond" },
        { """{"burst":0}""", "plan.burst" },
        { """{"ratePerSecond":10,"burst":5}""", "plan.burst" },
        { """{"quota":0}""", "plan.quota" },
        { """{"quotaPeriod":"week"}""", "plan.quotaPeriod" },
    };

    [Theory]
    [MemberData(nameof(InvalidPlans))]
    public async Task An_invalid_plan_is_a_400_naming_the_field_and_writes_nothing(string plan, string field)
    {
        await using var factory = WithDefaultPlan(rate: 10, burst: 20, quota: 1000);

        var (status, body, _) = await factory.SendAsync("PUT", "/principals/alice", $$"""{"roles":[],"permissions":[],"plan":{{plan}}}""");

        Assert.Equal(400, status);
        Assert.True(AdminCalls.Json(body).GetProperty("errors").TryGetProperty(field, out _), body);
        Assert.Null(await factory.Store().GetPrincipalAsync("alice"));
    }

    [Fact]
    public async Task An_unreachable_counter_store_fails_closed_with_503_and_retry_after()
    {
        await using var factory = WithDefaultPlan(10, 20, 1000, services: s => s.AddSingleton<IRateLimitCounterStore>(new DownCounterStore()));

        var (status, body, headers) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey));

        Assert.Equal(503, status);
        Assert.False(string.IsNullOrEmpty(headers.RetryAfter.ToString()));
        Assert.Equal("application/problem+json", headers.ContentType.ToString());
        Assert.DoesNotContain("timeout", body);
    }

    [Fact]
    public async Task With_fail_open_an_unreachable_counter_store_serves_the_request_uncounted()
    {
        await using var factory = WithDefaultPlan(10, 20, 1000, services: s => s.AddSingleton<IRateLimitCounterStore>(new DownCounterStore()),
            more: ("RateLimits:OnStoreFailure", "FailOpen"));

        var (status, _, _) = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey));

        Assert.Equal(200, status);
    }

    [Theory]
    [InlineData("RateLimits:OnStoreFailure", "Maybe", "RateLimits__OnStoreFailure")]
    [InlineData("RateLimits:DefaultPlan:RatePerSecond", "0", "RateLimits__DefaultPlan__RatePerSecond")]
    [InlineData("RateLimits:DefaultPlan:QuotaPeriod", "week", "RateLimits__DefaultPlan__QuotaPeriod")]
    [InlineData("RateLimits:TimeoutMilliseconds", "0", "RateLimits__TimeoutMilliseconds")]
    [InlineData("RateLimits:DefaultPlan:Routes:0:Verb", "BREW", "RateLimits__DefaultPlan__Routes__0__Verb")]
    public async Task Invalid_rate_limit_settings_stop_the_start_naming_the_setting(string key, string value, string named)
    {
        await using var factory = WithDefaultPlan(10, 20, 1000, more: (key, value));

        var e = factory.StartupFailure();

        Assert.Contains(named, e.ToString());
    }

    private sealed class DownCounterStore : IRateLimitCounterStore
    {
        public ValueTask<RateLimitDecision> TryTakeAsync(string partition, RatePlan plan, long lastWindow, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<RateLimitDecision>(new AuthorizationStoreUnavailableException("UpdateItem: timeout"));

        public ValueTask GiveBackAsync(string partition, RateLimitDecision taken, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new AuthorizationStoreUnavailableException("UpdateItem: timeout"));

        public Task<RateUsage> GetUsageAsync(string partition, RatePlan plan, CancellationToken cancellationToken = default) =>
            Task.FromException<RateUsage>(new AuthorizationStoreUnavailableException("GetItem: timeout"));
    }
}
