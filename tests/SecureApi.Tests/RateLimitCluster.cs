using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.AuthorizerContract;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>One request's outcome as a client saw it, and which of the callers sent it.</summary>
internal readonly record struct LimitedCall(int Caller, int Status, string? RetryAfter);

/// <summary>
/// Instances of one deployment on Kestrel sharing one table on moto (loopback), each with its own store client,
/// cache and limiter, and a client for each; disposed together.
/// </summary>
internal sealed class RateLimitCluster(SecureApiFactory[] instances, HttpClient[] clients) : IAsyncDisposable
{
    public SecureApiFactory[] Instances => instances;
    public HttpClient[] Clients => clients;

    /// <param name="time">The instances' shared clock (default: each its own manual clock, standing still).</param>
    public static RateLimitCluster Start(DynamoDbServerFixture dynamo, int size = 3, TimeProvider? time = null)
    {
        var table = "rate-" + Guid.NewGuid().ToString("N")[..12];
        var credentials = new GatewayTestCredentials(time);   // one deployment: the same issuer and signing key everywhere
        var started = Enumerable.Range(0, size).Select(_ => dynamo.NewFactory(table, credentials, time)).ToArray();
        foreach (var instance in started)
        {
            instance.StartOnLoopbackKestrel();
        }
        return new RateLimitCluster(started, started.Select(i => i.CreateClient()).ToArray());
    }

    /// <summary>A JWT user with its own plan: each request costs the store one counter update (its principal and
    /// the route table come from each instance's cache), so the counter is what the callers race.</summary>
    public async Task<string> AddUserWithPlanAsync(string sub, RatePlanOverride plan)
    {
        await instances[0].Store().PutPrincipalAsync(new PrincipalChange(TokenSubjects.PrincipalId("default", sub), [], ["read"], Plan: plan), "test-setup");
        return instances[0].Credentials.MintToken(sub);
    }

    /// <summary>
    /// <paramref name="requests"/> GETs of /protected from <paramref name="concurrency"/> clients at once; request i
    /// goes to instance i mod N with token i mod T (its caller). <paramref name="afterEach"/> sees how many have
    /// completed (e.g. to move a shared clock mid-flight).
    /// </summary>
    public async Task<LimitedCall[]> SendAsync(IReadOnlyList<string> tokens, int requests, int concurrency, Action<int>? afterEach = null)
    {
        var results = new LimitedCall[requests];
        var next = -1;
        var completed = 0;
        using var start = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            for (int i; (i = Interlocked.Increment(ref next)) < requests;)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/protected");
                request.Headers.Authorization = new("Bearer", tokens[i % tokens.Count]);
                using var response = await clients[i % clients.Length].SendAsync(request);
                results[i] = new LimitedCall(i % tokens.Count, (int)response.StatusCode, response.Headers.RetryAfter?.ToString());
                afterEach?.Invoke(Interlocked.Increment(ref completed));
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(callers);
        return results;
    }

    /// <summary>"200x50, 429x150": the status counts in one readable line.</summary>
    public static string Statuses(IEnumerable<LimitedCall> results) =>
        string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}"));

    /// <summary>The usage of the JWT user <paramref name="sub"/> (default:{sub}) as the admin endpoint shows it (on the given instance).</summary>
    public async Task<System.Text.Json.JsonElement> UsageAsync(string sub, int instance = 0)
    {
        var principalId = TokenSubjects.PrincipalId("default", sub);
        using var response = await clients[instance].GetAsync($"/protected/admin/principals/{principalId}/usage?api_key={instances[instance].Credentials.AdminApiKey}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return AdminCalls.Json(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The period's count of the principal's plan (or of its first route limit).</summary>
    public async Task<long> UsedAsync(string sub, int instance = 0, bool onRoute = false)
    {
        var usage = await UsageAsync(sub, instance);
        return (onRoute ? usage.GetProperty("routes")[0] : usage).GetProperty("quota").GetProperty("used").GetInt64();
    }

    /// <summary>Counter writes (UpdateItem calls) sent by all instances so far.</summary>
    public long CounterWrites => instances.Sum(i => Counters(i).Writes);

    /// <summary>Of <see cref="CounterWrites"/>, those after a take's first (a wrong guess of the stored window).</summary>
    public long CounterSecondWrites => instances.Sum(i => Counters(i).SecondWrites);

    private static DynamoDbRateLimitCounterStore Counters(SecureApiFactory instance) =>
        (DynamoDbRateLimitCounterStore)instance.Services.GetRequiredService<IRateLimitCounterStore>();

    public async ValueTask DisposeAsync()
    {
        foreach (var c in clients) c.Dispose();
        foreach (var i in instances) await i.DisposeAsync();
    }
}
