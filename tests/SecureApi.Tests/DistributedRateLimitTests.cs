using System.Net;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.AuthorizerContract;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>moto handling one request at a time: DynamoDB's atomic conditional writes (see StartWithAtomicUpdatesAsync).</summary>
public sealed class AtomicUpdatesDynamoDbServerForApi : DynamoDbServerForApi
{
    protected override Task<DynamoDbCompatibleServer> StartServerAsync() => DynamoDbCompatibleServer.StartWithAtomicUpdatesAsync();
}

/// <summary>
/// The limit holds across processes: three API instances on Kestrel, each with its own store client, cache and
/// limiter, share one table on moto (loopback); 200 concurrent requests are spread over them.
/// </summary>
public sealed class DistributedRateLimitTests(AtomicUpdatesDynamoDbServerForApi dynamo) : IClassFixture<AtomicUpdatesDynamoDbServerForApi>
{
    private const int Requests = 200;
    private const long Quota = 50;

    private static async Task<string> AddPrincipalWithKeyAsync(IAuthorizationStore store, string principalId)
    {
        await store.PutPrincipalAsync(new PrincipalChange(principalId, ["admin"], [], Plan: new RatePlanOverride(RatePerSecond: 1000, Burst: 1000, Quota: Quota)), "test-setup");
        var secret = "dist-" + Guid.NewGuid().ToString("N");
        await store.CreateCredentialAsync(new NewCredential("key-" + principalId, AuthTypes.ApiKey, principalId, GatewayTestCredentials.Sha256Hex(secret), null, null), "test-setup");
        return secret;
    }

    private async Task<(SecureApiFactory[] Instances, HttpClient[] Clients)> ThreeInstancesAsync()
    {
        var table = "rate-" + Guid.NewGuid().ToString("N")[..12];
        // Generous bounds: on a loaded 2-core machine moto answers hundreds of concurrent requests slowly, and a
        // timeout would be a (correct, fail-closed) 503 rather than the behaviour under test.
        var instances = Enumerable.Range(0, 3).Select(_ => new SecureApiFactory
        {
            ExtraConfiguration = new Dictionary<string, string?>
            {
                ["AuthorizationStore:TableName"] = table,
                ["AuthorizationStore:ServiceUrl"] = dynamo.Server.ServiceUrl,
                ["AuthorizationStore:Region"] = DynamoDbCompatibleServer.Region,
                ["AuthorizationStore:CreateTableIfMissing"] = "true",
                ["AuthorizationStore:TimeoutMilliseconds"] = "30000",
                ["AuthorizationStore:CacheSeconds"] = "60",
                ["RateLimits:TimeoutMilliseconds"] = "10000",
            },
        }).ToArray();
        foreach (var instance in instances)
        {
            instance.UseKestrel(0);
            instance.StartServer();
        }
        return (instances, instances.Select(i => i.CreateClient()).ToArray());
    }

    /// <summary>Fills each instance's store cache (key, principal, route table) so the burst below measures the counters.</summary>
    private static async Task WarmAsync(SecureApiFactory[] instances, IReadOnlyList<string> secrets, IReadOnlyList<string> principalIds)
    {
        foreach (var store in instances.Select(i => i.Store()))
        {
            await store.GetRoutePolicyAsync();
            foreach (var secret in secrets) await store.FindUsableCredentialByHashAsync(GatewayTestCredentials.Sha256Hex(secret));
            foreach (var id in principalIds) await store.GetPrincipalAsync(id);
        }
    }

    private static async Task<(int Status, string? RetryAfter)[]> HammerAsync(HttpClient[] clients, IReadOnlyList<string> secrets)
    {
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
        {
            start.Wait();
            using var response = await clients[i % clients.Length].GetAsync("/protected/admin?api_key=" + secrets[i % secrets.Count]);
            return ((int)response.StatusCode, response.Headers.RetryAfter?.ToString());
        })).ToArray();
        start.Set();
        return await Task.WhenAll(calls);
    }

    private static string Describe(IEnumerable<(int Status, string? RetryAfter)> results) =>
        string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"));

    private static async Task<long> UsedAsync(SecureApiFactory instance, HttpClient client, string principalId)
    {
        using var response = await client.GetAsync($"/protected/admin/principals/{principalId}/usage?api_key={instance.Credentials.AdminApiKey}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return AdminCalls.Json(await response.Content.ReadAsStringAsync()).GetProperty("quota").GetProperty("used").GetInt64();
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_over_three_instances_admit_exactly_the_quota_of_fifty()
    {
        var (instances, clients) = await ThreeInstancesAsync();
        try
        {
            var secret = await AddPrincipalWithKeyAsync(instances[0].Store(), "dist-alice");
            await WarmAsync(instances, [secret], ["dist-alice"]);

            var results = await HammerAsync(clients, [secret]);

            Assert.True(results.Count(r => r.Status == 200) == Quota, Describe(results));
            Assert.True(results.Count(r => r.Status == 429) == Requests - Quota, Describe(results));
            Assert.All(results.Where(r => r.Status == 429), r => Assert.False(string.IsNullOrEmpty(r.RetryAfter)));
            Assert.DoesNotContain(results, r => r.Status >= 500);
            Assert.Equal(Quota, await UsedAsync(instances[1], clients[1], "dist-alice"));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
            foreach (var i in instances) await i.DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_principals_interleaved_each_get_exactly_their_own_quota()
    {
        var (instances, clients) = await ThreeInstancesAsync();
        try
        {
            var alice = await AddPrincipalWithKeyAsync(instances[0].Store(), "dist-alice");
            var bob = await AddPrincipalWithKeyAsync(instances[0].Store(), "dist-bob");
            await WarmAsync(instances, [alice, bob], ["dist-alice", "dist-bob"]);

            var results = await HammerAsync(clients, [alice, bob]);   // even requests alice, odd bob: 100 each
            var aliceResults = results.Where((_, i) => i % 2 == 0).ToArray();
            var bobResults = results.Where((_, i) => i % 2 == 1).ToArray();

            Assert.True(aliceResults.Count(r => r.Status == 200) == Quota, "alice: " + Describe(aliceResults));
            Assert.True(bobResults.Count(r => r.Status == 200) == Quota, "bob: " + Describe(bobResults));
            Assert.Equal(Requests - 2 * Quota, results.Count(r => r.Status == 429));
            Assert.DoesNotContain(results, r => r.Status >= 500);
            Assert.Equal(Quota, await UsedAsync(instances[2], clients[2], "dist-alice"));
            Assert.Equal(Quota, await UsedAsync(instances[2], clients[2], "dist-bob"));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
            foreach (var i in instances) await i.DisposeAsync();
        }
    }
}
