using SecureApi.Lambda.Core;
using SecureApi.Lambda.Metrics;

namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>
/// Builds a <see cref="LambdaBootstrap"/> the way Amazon.Lambda.RuntimeSupport's builder does:
/// <c>LambdaBootstrapBuilder.Create(handler, serializer).UseBootstrapHandler(init).Build()</c>.
/// </summary>
public sealed class LambdaBootstrapBuilder
{
    private readonly Func<Stream, ILambdaContext, Task<Stream?>> _handler;
    private Func<Task<bool>>? _initializer;
    private string? _runtimeApiEndpoint;
    private TextWriter? _metricsOutput;

    private LambdaBootstrapBuilder(Func<Stream, ILambdaContext, Task<Stream?>> handler) => _handler = handler;

    /// <summary>A typed handler; the serializer reads the event and writes the result. A deserialization
    /// failure happens inside the invoke, so it is reported as an invocation error, not a crash.</summary>
    public static LambdaBootstrapBuilder Create<TInput, TOutput>(
        Func<TInput, ILambdaContext, Task<TOutput>> handler, ILambdaSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(serializer);
        var output = new ReusableOutputStream(); // invocations are sequential; one buffer for the process
        return new LambdaBootstrapBuilder(async (input, context) =>
        {
            var request = serializer.Deserialize<TInput>(input);
            var result = await handler(request, context).ConfigureAwait(false);
            output.Reset();
            serializer.Serialize(result, output);
            output.Position = 0;
            return output;
        });
    }

    /// <summary>A raw handler for hosts that do their own (de)serialization; a null result is an empty body.
    /// The returned stream is disposed after it has been sent.</summary>
    public static LambdaBootstrapBuilder Create(Func<Stream, ILambdaContext, Task<Stream?>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new LambdaBootstrapBuilder(handler);
    }

    /// <summary>Runs once before the first /next. Throw to fail init (posted to /init/error); return false to stop.</summary>
    public LambdaBootstrapBuilder UseBootstrapHandler(Func<Task<bool>> initializer)
    {
        _initializer = initializer ?? throw new ArgumentNullException(nameof(initializer));
        return this;
    }

    /// <summary>Overrides AWS_LAMBDA_RUNTIME_API / --runtime-api-endpoint (tests, in-process hosts).</summary>
    public LambdaBootstrapBuilder UseRuntimeApiEndpoint(string hostAndPort)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostAndPort);
        _runtimeApiEndpoint = hostAndPort;
        return this;
    }

    /// <summary>
    /// Writes what the <c>secureapi.*</c> meters recorded during each invocation to <paramref name="output"/> as
    /// CloudWatch Embedded Metric Format lines, once the invocation's answer has been posted (docs/metrics.md).
    /// </summary>
    public LambdaBootstrapBuilder UseEmbeddedMetrics(TextWriter output)
    {
        _metricsOutput = output ?? throw new ArgumentNullException(nameof(output));
        return this;
    }

    public LambdaBootstrap Build() => new(_handler, _initializer, _runtimeApiEndpoint,
        _metricsOutput is null ? null : new EmbeddedMetricsListener(_metricsOutput));

    /// <summary>The typed path's response buffer: "disposing" it after a send only rewinds it for the next invoke.</summary>
    private sealed class ReusableOutputStream : MemoryStream
    {
        public void Reset()
        {
            Position = 0;
            SetLength(0);
            if (Capacity > 1024 * 1024)
            {
                Capacity = 64 * 1024; // don't pin one huge response's buffer for the life of the process
            }
        }

        protected override void Dispose(bool disposing)
        {
            // Kept alive for the next invocation; see Create<TInput, TOutput>.
        }
    }
}
