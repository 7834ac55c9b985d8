using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.AspNetCoreServer.Internal;
using SecureApi.Lambda.Core;
using SecureApi.Lambda.RuntimeSupport;
using SecureApi.Lambda.Serialization;

namespace SecureApi.Lambda.AspNetCoreServer;

/// <summary>
/// The <see cref="IServer"/> used in Lambda mode instead of Kestrel. <see cref="StartAsync{TContext}"/> keeps the
/// app's pipeline; once the host has fully started (ApplicationStarted) the Lambda runtime loop begins and every
/// API Gateway REST proxy event runs through that pipeline. A fatal runtime error stops the app with exit code 1.
/// </summary>
public sealed class LambdaServer : IServer
{
    private readonly HostingOptions _options;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly LambdaServerMode _mode;
    private readonly ILambdaSerializer _serializer;
    private readonly SourceGeneratorLambdaJsonSerializer<APIGatewayEventsJsonContext>? _defaultSerializer;
    private readonly CancellationTokenSource _stopping = new();
    private IProxyInvoker? _invoker;
    private Task? _loop;

    internal LambdaServer(HostingOptions options, ILoggerFactory loggerFactory, IHostApplicationLifetime lifetime, LambdaServerMode mode)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger("SecureApi.Lambda.AspNetCoreServer");
        _lifetime = lifetime;
        _mode = mode;
        _defaultSerializer = _options.Serializer is null ? new SourceGeneratorLambdaJsonSerializer<APIGatewayEventsJsonContext>() : null;
        _serializer = _options.Serializer ?? _defaultSerializer!;
        Features.Set<IServerAddressesFeature>(new ServerAddressesFeature());
    }

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        _invoker = new ProxyInvoker<TContext>(application, _options, _logger);
        if (_mode.RunRuntimeLoop)
        {
            // Not before the host has fully started: a failing hosted service or startup validation is still an
            // init error (reported by LambdaInitErrorReporter), and no event may reach a half-started app.
            _lifetime.ApplicationStarted.Register(() => _loop = RunRuntimeLoopAsync());
        }
        return Task.CompletedTask;
    }

    /// <summary>Processes one proxy event through the pipeline. Used by the runtime loop, tests and benchmarks.</summary>
    public Task<APIGatewayProxyResponse> ProcessAsync(APIGatewayProxyRequest request, ILambdaContext lambdaContext)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(lambdaContext);
        var invoker = _invoker ?? throw new InvalidOperationException("The LambdaServer has not been started; start the host first.");
        return invoker.InvokeAsync(request, lambdaContext);
    }

    /// <summary>Event JSON in, proxy response JSON out: exactly what the runtime loop runs per invocation.</summary>
    public async Task<Stream?> ProcessAsync(Stream eventJson, ILambdaContext lambdaContext)
    {
        var request = (_defaultSerializer is not null && eventJson is MemoryStream memory && memory.TryGetBuffer(out var buffer)
                ? JsonSerializer.Deserialize(buffer.AsSpan((int)memory.Position), _defaultSerializer.Context.APIGatewayProxyRequest) // no stream plumbing
                : _serializer.Deserialize<APIGatewayProxyRequest>(eventJson))
            ?? throw new InvalidDataException("The Lambda event is JSON null, not an API Gateway proxy event.");
        var response = await ProcessAsync(request, lambdaContext).ConfigureAwait(false);
        var output = new MemoryStream();
        _serializer.Serialize(response, output);
        output.Position = 0;
        return output;
    }

    private async Task RunRuntimeLoopAsync()
    {
        await Task.Yield(); // leave the ApplicationStarted callback; the loop runs for the life of the process
        LambdaInitErrorReporter.MarkInitialized();
        Log.RuntimeLoopStarting(_logger);
        try
        {
            // Each invocation's secureapi.* metrics go to stdout as CloudWatch EMF lines (docs/metrics.md).
            var builder = LambdaBootstrapBuilder.Create(ProcessAsync).UseEmbeddedMetrics(Console.Out);
            if (_mode.RuntimeApiEndpoint is { } endpoint)
            {
                builder.UseRuntimeApiEndpoint(endpoint);
            }
            using var bootstrap = builder.Build();
            await bootstrap.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            Log.RuntimeLoopFailed(_logger, ex);
            Environment.ExitCode = 1;
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            return; // StopAsync
        }
        _lifetime.StopApplication();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();
}

/// <summary>How the <see cref="LambdaServer"/> runs: with the runtime loop (Lambda), or driven in-process only.</summary>
internal sealed class LambdaServerMode
{
    public bool RunRuntimeLoop { get; init; } = true;

    /// <summary><c>host:port</c> of the Runtime API; null = AWS_LAMBDA_RUNTIME_API.</summary>
    public string? RuntimeApiEndpoint { get; init; }
}
