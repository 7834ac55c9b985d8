using System.Text.Json.Serialization;
using SecureApi.Lambda.RuntimeSupport;
using SecureApi.Lambda.Serialization;

namespace SecureApi.Lambda.Tests;

public sealed record Greeting(string Name);

public sealed record Reply(string Message, string? TraceEnv = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(Reply))]
public sealed partial class TestJsonContext : JsonSerializerContext
{
}

/// <summary>Every test that runs the real loop shares process-wide env vars (_X_AMZN_TRACE_ID, AWS_LAMBDA_*): never in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RuntimeLoopCollection
{
    public const string Name = "Runtime loop (process environment)";
}

/// <summary>A bootstrap's RunAsync on a background task; disposing cancels it and waits for it to return.</summary>
public sealed class BootstrapRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private BootstrapRun(LambdaBootstrap bootstrap) => Completion = Task.Run(() => bootstrap.RunAsync(_stop.Token));

    /// <summary>RunAsync's task: faults with the fatal exception, completes when the loop stops.</summary>
    public Task Completion { get; }

    public static BootstrapRun Start(LambdaBootstrap bootstrap) => new(bootstrap);

    public static SourceGeneratorLambdaJsonSerializer<TestJsonContext> Serializer { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await Completion.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception) when (Completion.IsFaulted || Completion.IsCanceled)
        {
            // Tests that expect a fatal error assert on Completion themselves.
        }

        _stop.Dispose();
    }
}
