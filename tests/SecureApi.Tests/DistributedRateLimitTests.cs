using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using static SecureApi.Tests.RateLimitCluster;

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

    private static RatePlanOverride PlanOfFifty(IReadOnlyList<RouteLimit>? routes = null) =>
        new(RatePerSecond: 1000, Burst: 1000, Quota: Quota, Routes: routes);

    [Fact]
    public async Task Two_hundred_concurrent_requests_over_three_instances_admit_exactly_the_quota_of_fifty()
    {
        await using var cluster = Start(dynamo);
        var token = await cluster.AddUserWithPlanAsync("dist-alice", PlanOfFifty());

        var results = await cluster.SendAsync([token], Requests, concurrency: Requests);

        Assert.Equal($"200x{Quota}, 429x{Requests - Quota}", Statuses(results));   // any other status shows up here
        Assert.All(results.Where(r => r.Status == 429), r => Assert.False(string.IsNullOrEmpty(r.RetryAfter)));
        Assert.Equal(Quota, await cluster.UsedAsync("dist-alice", instance: 1));
    }

    [Fact]
    public async Task Two_principals_interleaved_each_get_exactly_their_own_quota()
    {
        await using var cluster = Start(dynamo);
        var alice = await cluster.AddUserWithPlanAsync("dist-alice", PlanOfFifty());
        var bob = await cluster.AddUserWithPlanAsync("dist-bob", PlanOfFifty());

        var results = await cluster.SendAsync([alice, bob], Requests, concurrency: Requests);   // even requests alice, odd bob: 100 each

        Assert.Equal($"200x{2 * Quota}, 429x{Requests - 2 * Quota}", Statuses(results));
        Assert.Equal(Quota, results.Count(r => r.Caller == 0 && r.Status == 200));
        Assert.Equal(Quota, results.Count(r => r.Caller == 1 && r.Status == 200));
        Assert.Equal(Quota, await cluster.UsedAsync("dist-alice", instance: 2));
        Assert.Equal(Quota, await cluster.UsedAsync("dist-bob", instance: 2));
    }

    [Fact]
    public async Task A_route_limit_below_the_plan_admits_exactly_its_own_quota_over_three_instances()
    {
        const long RouteQuota = 20;
        await using var cluster = Start(dynamo);
        var token = await cluster.AddUserWithPlanAsync("dist-alice", PlanOfFifty([new RouteLimit("GET", "/protected", Quota: RouteQuota)]));

        var results = await cluster.SendAsync([token], Requests, concurrency: Requests);

        Assert.Equal($"200x{RouteQuota}, 429x{Requests - RouteQuota}", Statuses(results));
        Assert.All(results.Where(r => r.Status == 429), r => Assert.False(string.IsNullOrEmpty(r.RetryAfter)));
        Assert.Equal(RouteQuota, await cluster.UsedAsync("dist-alice", instance: 1, onRoute: true));
        Assert.Equal(RouteQuota, await cluster.UsedAsync("dist-alice", instance: 1));   // the route's refusals never reached the plan
    }
}
