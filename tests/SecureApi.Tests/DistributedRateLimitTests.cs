using System.Net;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// The limit holds across processes: three API instances on Kestrel, each with its own store client, cache and
/// limiter, share one table on moto (loopback); 200 concurrent requests are spread over them.
/// </summary>
[Trait("Category", "Integration")] // starts a process or a moto server
public sealed class DistributedRateLimitTests(DynamoDbServerFixture dynamo) : IClassFixture<DynamoDbServerFixture>
{
    private const int Requests = 200;
    private const long Quota = 50;

    /// <summary>A JWT user with its own plan: each request costs the store one counter update (its principal and
    /// the route table come from each instance's cache), so the counter is what the test races.</summary>
    private static async Task<string> AddUserWithPlanAsync(SecureApiFactory instance, string principalId, IReadOnlyList<RouteLimit>? routes = null)
    {
        await instance.Store().PutPrincipalAsync(new PrincipalChange(principalId, [], ["read"],
            Plan: new RatePlanOverride(RatePerSecond: 1000, Burst: 1000, Quota: Quota, Routes: routes)), "test-setup");
        return instance.Credentials.MintToken(principalId);
    }

    /// <summary>Three API instances on Kestrel sharing one table, and a client for each; disposed together.</summary>
    private sealed class Cluster(SecureApiFactory[] instances, HttpClient[] clients) : IAsyncDisposable
    {
        public SecureApiFactory[] Instances => instances;
        public HttpClient[] Clients => clients;

        public async ValueTask DisposeAsync()
        {
            foreach (var c in clients) c.Dispose();
            foreach (var i in instances) await i.DisposeAsync();
        }
    }

    private Cluster ThreeInstances()
    {
        var table = "rate-" + Guid.NewGuid().ToString("N")[..12];
        var credentials = new GatewayTestCredentials();   // one deployment: the same issuer and signing key everywhere
        var instances = Enumerable.Range(0, 3).Select(_ => dynamo.NewFactory(table, credentials)).ToArray();
        foreach (var instance in instances)
        {
            instance.UseKestrel(0);
            instance.StartServer();
        }
        return new Cluster(instances, instances.Select(i => i.CreateClient()).ToArray());
    }

    private static async Task<(int Status, string? RetryAfter)[]> HammerAsync(HttpClient[] clients, IReadOnlyList<string> tokens)
    {
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
        {
            start.Wait();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/protected");
            request.Headers.Authorization = new("Bearer", tokens[i % tokens.Count]);
            using var response = await clients[i % clients.Length].SendAsync(request);
            return ((int)response.StatusCode, response.Headers.RetryAfter?.ToString());
        })).ToArray();
        start.Set();
        return await Task.WhenAll(calls);
    }

    /// <summary>"200x50, 429x150": the status counts in one readable line.</summary>
    private static string Statuses((int Status, string? RetryAfter)[] results) =>
        string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}"));

    private static async Task<long> UsedAsync(SecureApiFactory instance, HttpClient client, string principalId, bool onRoute = false)
    {
        using var response = await client.GetAsync($"/protected/admin/principals/{principalId}/usage?api_key={instance.Credentials.AdminApiKey}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = AdminCalls.Json(await response.Content.ReadAsStringAsync());
        return (onRoute ? usage.GetProperty("routes")[0] : usage).GetProperty("quota").GetProperty("used").GetInt64();
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_over_three_instances_admit_exactly_the_quota_of_fifty()
    {
        await using var cluster = ThreeInstances();
        var (instances, clients) = (cluster.Instances, cluster.Clients);
        var token = await AddUserWithPlanAsync(instances[0], "dist-alice");

        var results = await HammerAsync(clients, [token]);

        Assert.Equal($"200x{Quota}, 429x{Requests - Quota}", Statuses(results));   // any other status shows up here
        Assert.Equal(Quota, results.Count(r => r.Status == 200));
        Assert.Equal(Requests - Quota, results.Count(r => r.Status == 429));
        Assert.All(results.Where(r => r.Status == 429), r => Assert.False(string.IsNullOrEmpty(r.RetryAfter)));
        Assert.DoesNotContain(results, r => r.Status >= 500);
        Assert.Equal(Quota, await UsedAsync(instances[1], clients[1], "dist-alice"));
    }

    [Fact]
    public async Task Two_principals_interleaved_each_get_exactly_their_own_quota()
    {
        await using var cluster = ThreeInstances();
        var (instances, clients) = (cluster.Instances, cluster.Clients);
        var alice = await AddUserWithPlanAsync(instances[0], "dist-alice");
        var bob = await AddUserWithPlanAsync(instances[0], "dist-bob");

        var results = await HammerAsync(clients, [alice, bob]);   // even requests alice, odd bob: 100 each
        Assert.Equal($"200x{2 * Quota}, 429x{Requests - 2 * Quota}", Statuses(results));
        var aliceResults = results.Where((_, i) => i % 2 == 0).ToArray();
        var bobResults = results.Where((_, i) => i % 2 == 1).ToArray();

        Assert.Equal(Quota, aliceResults.Count(r => r.Status == 200));
        Assert.Equal(Quota, bobResults.Count(r => r.Status == 200));
        Assert.Equal(Requests - 2 * Quota, results.Count(r => r.Status == 429));
        Assert.DoesNotContain(results, r => r.Status >= 500);
        Assert.Equal(Quota, await UsedAsync(instances[2], clients[2], "dist-alice"));
        Assert.Equal(Quota, await UsedAsync(instances[2], clients[2], "dist-bob"));
    }

    [Fact]
    public async Task A_route_limit_below_the_plan_admits_exactly_its_own_quota_over_three_instances()
    {
        const long RouteQuota = 20;
        await using var cluster = ThreeInstances();
        var (instances, clients) = (cluster.Instances, cluster.Clients);
        var token = await AddUserWithPlanAsync(instances[0], "dist-alice", [new RouteLimit("GET", "/protected", Quota: RouteQuota)]);

        var results = await HammerAsync(clients, [token]);

        Assert.Equal($"200x{RouteQuota}, 429x{Requests - RouteQuota}", Statuses(results));
        Assert.All(results.Where(r => r.Status == 429), r => Assert.False(string.IsNullOrEmpty(r.RetryAfter)));
        Assert.Equal(RouteQuota, await UsedAsync(instances[1], clients[1], "dist-alice", onRoute: true));
        Assert.Equal(RouteQuota, await UsedAsync(instances[1], clients[1], "dist-alice"));   // the route's refusals never reached the plan
    }
}
