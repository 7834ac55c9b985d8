using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecureApi.RateLimiting;
using SecureApi.Setup;

namespace RateLimits.Benchmarks;

/// <summary>
/// One request through routing + UseRateLimiter + a trivial endpoint, with the API's AddSecureApiRateLimiting on
/// the in-memory counters (a plan that never refuses): GET /limited (.RequireRateLimiting(plan): partition,
/// plan, one counter take, the two RateLimit fields) vs GET /open (same endpoint, no metadata). The difference
/// is the limiter's overhead per request; goal ≤ 3 µs. GET /route-limited has a route limit in the default plan
/// (never refusing either): two counter takes, four policies in the fields.
/// </summary>
[Config(typeof(ShortConfig))]
public class LimiterOverheadBenchmarks
{
    private WebApplication _app = null!;
    private RequestDelegate _pipeline = null!;
    private IHttpContextFactory _contexts = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimits:DefaultPlan:RatePerSecond"] = "100000",
            ["RateLimits:DefaultPlan:Burst"] = "1000000",
            ["RateLimits:DefaultPlan:Quota"] = "2000000000",
            ["RateLimits:DefaultPlan:Routes:0:Verb"] = "GET",
            ["RateLimits:DefaultPlan:Routes:0:Path"] = "/route-limited",
            ["RateLimits:DefaultPlan:Routes:0:Quota"] = "1000000000",
        });
        builder.Services.AddSingleton<TimeProvider>(new FastClock());
        builder.Services.AddAuthorizationStore();
        builder.Services.AddSecureApiRateLimiting();
        _app = builder.Build();
        _app.UseRouting();           // explicit, so the delegate built below holds routing and endpoints too
        _app.UseRateLimiter();
        _app.MapGet("/open", () => "ok");
        _app.MapGet("/limited", () => "ok").RequireRateLimiting(RateLimitPolicies.Plan);
        _app.MapGet("/route-limited", () => "ok").RequireRateLimiting(RateLimitPolicies.Plan);
        _app.UseEndpoints(_ => { });
        _app.StartAsync().GetAwaiter().GetResult();
        _pipeline = ((IApplicationBuilder)_app).Build();
        _contexts = _app.Services.GetRequiredService<IHttpContextFactory>();

        if (Send("/limited").GetAwaiter().GetResult() is not (200, true) and var limited)
            throw new InvalidOperationException($"GET /limited must answer 200 with the RateLimit fields, not {limited}.");
        if (Send("/route-limited").GetAwaiter().GetResult() is not (200, true) and var routeLimited)
            throw new InvalidOperationException($"GET /route-limited must answer 200 with the RateLimit fields, not {routeLimited}.");
        if (Send("/open").GetAwaiter().GetResult() is not (200, false) and var open)
            throw new InvalidOperationException($"GET /open must answer 200 without the RateLimit fields, not {open}.");
    }

    [GlobalCleanup]
    public void Cleanup() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task<(int, bool)> Unlimited_route() => Send("/open");

    [Benchmark]
    public Task<(int, bool)> Limited_route_in_memory_counters() => Send("/limited");

    [Benchmark]
    public Task<(int, bool)> Route_with_its_own_limit_in_memory_counters() => Send("/route-limited");

    private async Task<(int Status, bool HasFields)> Send(string path)
    {
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Method = "GET", Path = path });
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature { RemoteIpAddress = IPAddress.Loopback });
        var context = _contexts.Create(features);
        try
        {
            await _pipeline(context);
            return (context.Response.StatusCode, context.Response.Headers.ContainsKey("RateLimit"));
        }
        finally
        {
            _contexts.Dispose(context);
        }
    }

    /// <summary>
    /// Time 100× fast: the largest plan (100,000/s, windows of 10 s) would refuse a long run on a fast machine, and a
    /// refusal is a different, cheaper path. At 100× a window passes every 0.1 s, so the plan never trips.
    /// </summary>
    private sealed class FastClock : TimeProvider
    {
        private readonly DateTimeOffset _start = System.GetUtcNow();

        public override DateTimeOffset GetUtcNow() => _start + (System.GetUtcNow() - _start) * 100;
    }

    private sealed class ShortConfig : ManualConfig
    {
        public ShortConfig()
        {
            AddJob(Job.ShortRun);
            AddDiagnoser(MemoryDiagnoser.Default);
        }
    }
}
