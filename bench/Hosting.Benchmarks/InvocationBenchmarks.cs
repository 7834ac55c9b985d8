using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using HostingSample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.AspNetCoreServer;
using SecureApi.Lambda.Core;
using SecureApi.Lambda.Serialization;

namespace Hosting.Benchmarks;

/// <summary>
/// One invocation of HostingSample's GET /hello in-process, exactly as the runtime loop runs it
/// (no HTTP to the Runtime API): event JSON → LambdaServer → pipeline → response JSON.
/// </summary>
[Config(typeof(ShortConfig))]
public class InvocationBenchmarks
{
    private WebApplication _app = null!;
    private LambdaServer _server = null!;
    private byte[] _eventJson = null!;
    private APIGatewayProxyRequest _event = null!;
    private readonly ILambdaContext _context = new BenchLambdaContext();

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning); // as the sample's appsettings: no per-request log lines
        builder.Services.AddLambdaServer(new LambdaServerMode { RunRuntimeLoop = false });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJsonContext.Default));
        builder.Services.AddGreetingOptions();
        _app = builder.Build();
        _app.MapGreetingApi();
        _app.StartAsync().GetAwaiter().GetResult();
        _server = (LambdaServer)_app.Services.GetRequiredService<IServer>();
        _eventJson = SampleEvent.Utf8Json();
        _event = new SourceGeneratorLambdaJsonSerializer<APIGatewayEventsJsonContext>()
            .Deserialize<APIGatewayProxyRequest>(new MemoryStream(_eventJson));

        var check = InvokeJson().GetAwaiter().GetResult();
        if (!check.Contains("\"statusCode\":200", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The benchmark endpoint does not answer 200: " + check);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The whole per-invocation cost: deserialize event, pipeline, serialize response.</summary>
    [Benchmark(Baseline = true)]
    public async Task<long> EventJson_to_ResponseJson()
    {
        using var input = new MemoryStream(_eventJson, 0, _eventJson.Length, writable: false, publiclyVisible: true); // as the runtime hands it over
        using var output = await _server.ProcessAsync(input, _context);
        return output!.Length;
    }

    /// <summary>Marshalling + pipeline only (the event already deserialized, the response not serialized).</summary>
    [Benchmark]
    public async Task<int> ProxyRequest_to_ProxyResponse() => (await _server.ProcessAsync(_event, _context)).StatusCode;

    private async Task<string> InvokeJson()
    {
        using var input = new MemoryStream(_eventJson, 0, _eventJson.Length, writable: false, publiclyVisible: true); // as the runtime hands it over
        using var output = await _server.ProcessAsync(input, _context);
        return new StreamReader(output!).ReadToEnd();
    }
}

/// <summary>
/// 1 launch, 20 warm-ups, 15 iterations; median, p95 and allocations. The warm-ups are many on purpose: with 3,
/// the measured iterations still ran code the tiered JIT (and dynamic PGO) was recompiling, and read ~40% low.
/// </summary>
public sealed class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(20).WithIterationCount(15));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.P95);
    }
}

internal sealed class BenchLambdaContext : ILambdaContext
{
    public string AwsRequestId => "8f5c2a3e-0000-4000-8000-000000000000";
    public string FunctionName => "hosting-sample";
    public string FunctionVersion => "$LATEST";
    public string InvokedFunctionArn => "arn:aws:lambda:us-east-1:123456789012:function:hosting-sample";
    public int MemoryLimitInMB => 512;
    public string LogGroupName => "/aws/lambda/hosting-sample";
    public string LogStreamName => "bench";
    public string? TraceId => null;
    public TimeSpan RemainingTime => TimeSpan.FromSeconds(30);
    public ILambdaLogger Logger => throw new NotSupportedException();
}

/// <summary>The JSON halves of an invocation on their own, to see where time goes.</summary>
[Config(typeof(ShortConfig))]
public class SerializationBenchmarks
{
    private readonly SourceGeneratorLambdaJsonSerializer<APIGatewayEventsJsonContext> _serializer = new();
    private byte[] _eventJson = null!;
    private APIGatewayProxyResponse _response = null!;

    [GlobalSetup]
    public void Setup()
    {
        _eventJson = SampleEvent.Utf8Json();
        _response = new APIGatewayProxyResponse
        {
            StatusCode = 200,
            Headers = new Dictionary<string, string>(),
            MultiValueHeaders = new Dictionary<string, IList<string?>> { ["Content-Type"] = ["application/json; charset=utf-8"] },
            Body = """{"message":"Hello, Ada!"}""",
        };
    }

    [Benchmark]
    public object Deserialize_event() => _serializer.Deserialize<APIGatewayProxyRequest>(new MemoryStream(_eventJson, writable: false));

    [Benchmark]
    public object Deserialize_event_from_span() =>
        System.Text.Json.JsonSerializer.Deserialize(_eventJson, _serializer.Context.APIGatewayProxyRequest)!;

    [Benchmark]
    public object Deserialize_event_default_context() =>
        System.Text.Json.JsonSerializer.Deserialize(_eventJson, APIGatewayEventsJsonContext.Default.APIGatewayProxyRequest)!;

    [Benchmark]
    public long Serialize_response()
    {
        using var output = new MemoryStream();
        _serializer.Serialize(_response, output);
        return output.Length;
    }
}
