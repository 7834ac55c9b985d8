using BenchmarkDotNet.Attributes;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.LocalGateway;
using SecureApi.LocalGateway.DeveloperConsole;

namespace Api.Benchmarks;

/// <summary>
/// What the developer console adds to each request through the local stage (docs/local-stage.md#the-developer-console):
/// one ring slot, and for an allowed principal its hour's counter. The /protected throughput benchmark runs through it.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class ConsoleRecordBenchmarks
{
    private readonly DecisionRecorder _recorder = new(TimeProvider.System);
    private readonly GatewayOutcome _public = GatewayOutcome.Pass(null, null, null, "public");
    private readonly GatewayOutcome _protected = GatewayOutcome.Pass(null, null, null, "cache-hit", ["Bearer a.b.c"],
        new APIGatewayCustomAuthorizerResponse { PrincipalID = "bench-user" }, DateTimeOffset.UtcNow);

    [Benchmark(Baseline = true)]
    public void PublicRequest() => _recorder.Record("GET", "/public", 200, _public, "\"burst\";r=19;t=2", "\"burst\";q=20;w=2", null);

    [Benchmark]
    public void ProtectedRequest() => _recorder.Record("GET", "/protected", 200, _protected, "\"burst\";r=19;t=2", "\"burst\";q=20;w=2", null);
}
