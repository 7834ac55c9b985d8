using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SecureApi.Lambda.AspNetCoreServer;
using SecureApi.Lambda.Core;

namespace Api.Benchmarks;

/// <summary>
/// The whole API per request as the deployed function runs it (AddLambdaHosting's LambdaServer, without the Runtime
/// API's HTTP): proxy event JSON → pipeline (route guard, authentication from requestContext.authorizer, route check
/// against the cached in-memory store, step-up metadata, endpoint, JSON) → proxy response JSON. The same host serves
/// GET /public, GET /protected (a TOKEN authorizer's context) and GET /protected/admin (a REQUEST authorizer's
/// context for a configured API key) in one run, so the ratios compare like with like. Rate limits are off here as in
/// bench/throughput.sh (RateLimits.Benchmarks measures the limiter). Setup proves every case answers 200.
/// Native AOT: add `--runtimes nativeaot10.0` (bench/README.md).
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private static readonly string[] Settings =
    [
        "--environment=Production",
        "--Logging:LogLevel:Default=Warning",
        "--RateLimits:Enabled=false",
        "--StepUp:DevelopmentKey=" + Convert.ToBase64String(new byte[32]),
    ];

    private readonly ILambdaContext _lambda = new BenchLambdaContext();
    private ApiInProcess _api = null!;
    private byte[] _public = null!, _protected = null!, _admin = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _api = ApiInProcess.Start(Settings);
        var expiresAt = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds();
        _public = Event("/public", null);
        _protected = Event("/protected",
            $$"""{"principalId":"user-1","integrationLatency":0,"role":"user","permissions":"read","authType":"jwt","expiresAt":"{{expiresAt}}"}""");
        _admin = Event("/protected/admin",
            """{"principalId":"partner-1","integrationLatency":0,"role":"admin","permissions":"read,write","authType":"api-key","sourceIp":"198.51.100.10"}""");
        foreach (var (name, json) in new[] { ("/public", _public), ("/protected", _protected), ("/protected/admin", _admin) })
        {
            var response = await InvokeAsync(json);
            if (!response.Contains("\"statusCode\":200", StringComparison.Ordinal))
                throw new InvalidOperationException($"GET {name} does not answer 200, so the benchmark would measure a refusal: {response}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _api.Dispose();

    /// <summary>
    /// `dotnet run -c Release --project bench/Api.Benchmarks -- --probe`: bytes allocated per request, whole invocation
    /// and its parts (event JSON → object, pipeline, response → JSON), in seconds rather than a BenchmarkDotNet run.
    /// Allocation counts do not depend on the machine's load, so they compare builds on a busy host.
    /// </summary>
    public static async Task ProbeAsync()
    {
        var bench = new PipelineBenchmarks();
        await bench.Setup();
        if (Environment.GetEnvironmentVariable("PROBE_PROFILE") is { Length: > 0 } only)
        {
            await ProfileOneRouteAsync(bench, only);
            return;
        }
        var serializer = new SecureApi.Lambda.Serialization.SourceGeneratorLambdaJsonSerializer<SecureApi.Lambda.APIGatewayEvents.APIGatewayEventsJsonContext>();
        Console.WriteLine($"{"route",-18} {"whole B",9} {"event B",9} {"pipeline B",11} {"response B",11} {"CPU µs",9}");
        foreach (var (name, json) in new[] { ("/public", bench._public), ("/protected", bench._protected), ("/protected/admin", bench._admin) })
        {
            var request = serializer.Deserialize<SecureApi.Lambda.APIGatewayEvents.APIGatewayProxyRequest>(new MemoryStream(json));
            var response = await bench._api.Server.ProcessAsync(request, bench._lambda);
            var whole = await PerRequestAsync(() => bench.LengthAsync(json));
            var parse = await PerRequestAsync(() => Task.FromResult<object>(serializer.Deserialize<SecureApi.Lambda.APIGatewayEvents.APIGatewayProxyRequest>(new MemoryStream(json))));
            var pipeline = await PerRequestAsync(() => bench._api.Server.ProcessAsync(request, bench._lambda));
            var write = await PerRequestAsync(() => { var output = new MemoryStream(); serializer.Serialize(response, output); return Task.FromResult(output.Length); });
            Console.WriteLine($"{name,-18} {whole.Bytes,9:F0} {parse.Bytes,9:F0} {pipeline.Bytes,11:F0} {write.Bytes,11:F0} {whole.CpuMicros,9:F2}");
            if (Environment.GetEnvironmentVariable("PROBE_TYPES") is "1")
            {
                using var sampler = new AllocationSampler();
                await PerRequestAsync(() => bench._api.Server.ProcessAsync(request, bench._lambda));
                foreach (var (type, share) in sampler.Top(25)) Console.WriteLine($"    {share,6:P1} {type}");
            }
        }
        await CpuRatiosAsync(bench);
        bench.Cleanup();

        var stage = new StageBenchmarks();
        await stage.Setup();
        Console.WriteLine($"{"local stage",-18} {"B",9} {"CPU µs",9}");
        foreach (var (name, run) in new (string, Func<Task<SecureApi.Lambda.APIGatewayEvents.APIGatewayProxyRequest>>)[] { ("/public", stage.Public), ("/protected", stage.Protected) })
        {
            var measured = await PerRequestAsync(run);
            Console.WriteLine($"{name,-18} {measured.Bytes,9:F0} {measured.CpuMicros,9:F2}");
        }
    }

    /// <summary>
    /// PROBE_PROFILE=/protected: that route alone, 100,000 warm-ups then 300,000 requests, for a CPU sampler
    /// (`perf record -g` with DOTNET_PerfMapEnabled=1, bench/README.md#the-protected-paths-cost) started after the
    /// "measuring" line; each frame's samples × period ÷ 300,000 is its CPU time per request.
    /// </summary>
    private static async Task ProfileOneRouteAsync(PipelineBenchmarks bench, string route)
    {
        var json = route switch { "/public" => bench._public, "/protected" => bench._protected, "/protected/admin" => bench._admin, _ => throw new ArgumentException($"PROBE_PROFILE: no route {route}") };
        for (var i = 0; i < 100_000; i++) await bench.LengthAsync(json);
        Console.WriteLine($"measuring {route} (pid {Environment.ProcessId})");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < 300_000; i++) await bench.LengthAsync(json);
        Console.WriteLine($"{route}: {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / 300_000:F2} CPU µs per request");
        bench.Cleanup();
    }

    /// <summary>
    /// CPU time per request, every route warm before any is measured (the first route measured above also pays
    /// for the tiered JIT's background compiles of the code all routes share), then measured in interleaved rounds:
    /// the median of each route's rounds and of the rounds' ratios to /public.
    /// </summary>
    private static async Task CpuRatiosAsync(PipelineBenchmarks bench)
    {
        const int Rounds = 7;
        var routes = new[] { ("/public", bench._public), ("/protected", bench._protected), ("/protected/admin", bench._admin) };
        foreach (var (_, json) in routes) await PerRequestAsync(() => bench.LengthAsync(json));
        var micros = new double[routes.Length][];
        for (var r = 0; r < routes.Length; r++) micros[r] = new double[Rounds];
        for (var round = 0; round < Rounds; round++)
            for (var r = 0; r < routes.Length; r++)
                micros[r][round] = (await PerRequestAsync(() => bench.LengthAsync(routes[r].Item2))).CpuMicros;
        Console.WriteLine($"CPU µs per request, {Rounds} interleaved rounds after every route is warm (median; median ratio to /public):");
        for (var r = 0; r < routes.Length; r++)
        {
            var ratios = new double[Rounds];
            for (var round = 0; round < Rounds; round++) ratios[round] = micros[r][round] / micros[0][round];
            Console.WriteLine($"{routes[r].Item1,-18} {Median(micros[r]),9:F2} µs {Median(ratios),6:F2}×   rounds: {string.Join(" ", micros[r].Select(m => m.ToString("F1")))}");
        }
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    // CPU time of the process, not the wall clock: on a shared host the wall clock counts other processes' turns too.
    private static async Task<(double Bytes, double CpuMicros)> PerRequestAsync<T>(Func<Task<T>> run)
    {
        const int Warm = 30_000, Measured = 50_000;
        for (var i = 0; i < Warm; i++) await run();
        var process = Process.GetCurrentProcess();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        for (var i = 0; i < Measured; i++) await run();
        process.Refresh();
        var micros = (process.TotalProcessorTime - cpu).TotalMicroseconds / Measured;
        return ((GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Measured, micros);
    }

    [Benchmark(Baseline = true, Description = "GET /public")]
    public Task<long> Public() => LengthAsync(_public);

    [Benchmark(Description = "GET /protected (TOKEN context)")]
    public Task<long> Protected() => LengthAsync(_protected);

    [Benchmark(Description = "GET /protected/admin (REQUEST context)")]
    public Task<long> Admin() => LengthAsync(_admin);

    private async Task<long> LengthAsync(byte[] json)
    {
        using var input = new MemoryStream(json, 0, json.Length, writable: false, publiclyVisible: true); // as the runtime hands it over
        using var output = await _api.Server.ProcessAsync(input, _lambda);
        return output!.Length;
    }

    private async Task<string> InvokeAsync(byte[] json)
    {
        using var input = new MemoryStream(json, 0, json.Length, writable: false, publiclyVisible: true);
        using var output = await _api.Server.ProcessAsync(input, _lambda);
        return new StreamReader(output!).ReadToEnd();
    }

    /// <summary>A REST proxy event as API Gateway sends it; <paramref name="authorizer"/> is requestContext.authorizer.</summary>
    private static byte[] Event(string path, string? authorizer) => Encoding.UTF8.GetBytes($$"""
        {"resource":"{{path}}","path":"{{path}}","httpMethod":"GET",
         "headers":{"Accept":"application/json","Host":"abc123.execute-api.us-east-1.amazonaws.com","User-Agent":"curl/8.0","X-Forwarded-For":"198.51.100.10"},
         "multiValueHeaders":{"Accept":["application/json"],"Host":["abc123.execute-api.us-east-1.amazonaws.com"],"User-Agent":["curl/8.0"],"X-Forwarded-For":["198.51.100.10"]},
         "queryStringParameters":null,"multiValueQueryStringParameters":null,"pathParameters":null,"stageVariables":null,
         "requestContext":{"resourceId":"r1","resourcePath":"{{path}}","httpMethod":"GET","path":"/prod{{path}}","accountId":"123456789012",
           "apiId":"abc123","stage":"prod","requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","requestTimeEpoch":1795557488000,
           "protocol":"HTTP/1.1","identity":{"sourceIp":"198.51.100.10","userAgent":"curl/8.0"},"authorizer":{{authorizer ?? "null"}}},
         "body":null,"isBase64Encoded":false}
        """);
}

/// <summary>
/// The API's own Program, started in-process in Lambda mode without the runtime loop: its entry point runs on a
/// thread of its own, and a hosting DiagnosticListener swaps the server for a LambdaServer the benchmark drives.
/// </summary>
internal sealed class ApiInProcess : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private readonly TaskCompletionSource<IHost> _built = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IDisposable _subscription;
    private readonly Thread _main;
    private IHost? _host;

    private ApiInProcess(string[] args)
    {
        _subscription = DiagnosticListener.AllListeners.Subscribe(this);
        _main = new Thread(() => EntryPoint(null, args)) { IsBackground = true, Name = "SecureApi Main" };
        _main.Start();
        _host = _built.Task.WaitAsync(TimeSpan.FromMinutes(1)).GetAwaiter().GetResult();
        var started = new ManualResetEventSlim();
        _host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(started.Set);
        if (!started.Wait(TimeSpan.FromMinutes(1))) throw new TimeoutException("The API did not start.");
        Server = (LambdaServer)_host.Services.GetRequiredService<IServer>();
    }

    public LambdaServer Server { get; }

    public static ApiInProcess Start(string[] args) => new(args);

    // The top-level statements of src/SecureApi/Program.cs (also under Native AOT: no reflection).
    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "<Main>$")]
    private static extern void EntryPoint(global::Program? program, string[] args);

    public void Dispose()
    {
        _host?.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        _main.Join(TimeSpan.FromSeconds(30));
        _subscription.Dispose();
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "Microsoft.Extensions.Hosting") listener.Subscribe(this);
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        // HostApplicationBuilder announces itself as an IHostBuilder whose changes it applies right after this event.
        if (e.Key == "HostBuilding" && e.Value is IHostBuilder builder)
            builder.ConfigureServices(services => services.AddLambdaServer(new LambdaServerMode { RunRuntimeLoop = false }));
        else if (e.Key == "HostBuilt" && e.Value is IHost host)
            _built.TrySetResult(host);
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) => _built.TrySetException(error);
}

internal sealed class BenchLambdaContext : ILambdaContext
{
    public string AwsRequestId => "8f5c2a3e-0000-4000-8000-000000000000";
    public string FunctionName => "secure-api";
    public string FunctionVersion => "$LATEST";
    public string InvokedFunctionArn => "arn:aws:lambda:us-east-1:123456789012:function:secure-api";
    public int MemoryLimitInMB => 512;
    public string LogGroupName => "/aws/lambda/secure-api";
    public string LogStreamName => "bench";
    public string? TraceId => null;
    public TimeSpan RemainingTime => TimeSpan.FromSeconds(30);
    public ILambdaLogger Logger => throw new NotSupportedException();
}

/// <summary>The runtime's allocation ticks (one per ~100 KB allocated, naming the type that crossed it): which types a loop allocates.</summary>
internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytes = new();
    private bool _enabled;

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1); // GC
        _enabled = true;
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (!_enabled || e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.Payload[e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + 1;
    }

    public IEnumerable<(string Type, double Share)> Top(int count)
    {
        lock (_bytes)
        {
            var total = (double)_bytes.Values.Sum();
            return _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value / total)).ToList();
        }
    }
}
