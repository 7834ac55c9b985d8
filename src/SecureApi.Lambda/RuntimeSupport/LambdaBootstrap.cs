using SecureApi.Lambda.Core;
using SecureApi.Lambda.Metrics;

namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>
/// The runtime loop of docs/wire-contracts.md §1.5: run the optional initializer once, then
/// GET /next → set _X_AMZN_TRACE_ID → call the handler → POST /response or /error, until the
/// Runtime API answers something the runtime cannot continue from.
/// </summary>
/// <remarks>
/// Failure contract: a handler exception (including an event that does not deserialize) is reported as an
/// invocation error and the loop goes on. An initializer exception is logged, posted to /init/error and
/// rethrown as <see cref="LambdaInitializationException"/>. An unexpected Runtime API status throws
/// <see cref="RuntimeApiException"/>. Both mean "exit non-zero": use <see cref="RunToExitCodeAsync"/> as
/// <c>return await bootstrap.RunToExitCodeAsync();</c> in Program.cs to get one log line and exit code 1.
/// </remarks>
public sealed class LambdaBootstrap : IDisposable
{
    public const string RuntimeApiEnvironmentVariable = "AWS_LAMBDA_RUNTIME_API";
    public const string RuntimeApiEndpointArgument = "--runtime-api-endpoint";
    public const string TraceIdEnvironmentVariable = "_X_AMZN_TRACE_ID";

    private readonly Func<Stream, ILambdaContext, Task<Stream?>> _handler;
    private readonly Func<Task<bool>>? _initializer;
    private readonly string? _runtimeApiEndpoint;
    private readonly EmbeddedMetricsListener? _metrics;
    private RuntimeApiClient? _client;
    private bool _invoked;

    /// <param name="runtimeApiEndpoint"><c>host:port</c>; null = <c>--runtime-api-endpoint</c> argument, else AWS_LAMBDA_RUNTIME_API.</param>
    /// <param name="metrics">Flushed after every invocation (EMF lines, docs/metrics.md); owned and disposed by the bootstrap.</param>
    public LambdaBootstrap(
        Func<Stream, ILambdaContext, Task<Stream?>> handler,
        Func<Task<bool>>? initializer = null,
        string? runtimeApiEndpoint = null,
        EmbeddedMetricsListener? metrics = null)
    {
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _initializer = initializer;
        _metrics = metrics;
        _runtimeApiEndpoint = runtimeApiEndpoint ?? ResolveRuntimeApiEndpoint(Environment.GetCommandLineArgs());
    }

    /// <summary>The Runtime API this bootstrap talks to, or null when none is configured.</summary>
    public string? RuntimeApiEndpoint => _runtimeApiEndpoint;

    /// <summary>Runs until cancelled, until the initializer returns false, or until a fatal error is thrown.</summary>
    /// <exception cref="LambdaInitializationException">The initializer threw; /init/error has been posted.</exception>
    /// <exception cref="RuntimeApiException">The Runtime API answered a status the runtime cannot continue from.</exception>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(_runtimeApiEndpoint))
        {
            throw new InvalidOperationException(
                $"{RuntimeApiEnvironmentVariable} is not set: this process must be started by Lambda or a Runtime API emulator.");
        }

        _client ??= new RuntimeApiClient(_runtimeApiEndpoint);
        if (!await InitializeAsync(_client, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var environment = LambdaEnvironment.FromEnvironmentVariables();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await InvokeOnceAsync(_client, environment, cancellationToken).ConfigureAwait(false);
                FlushMetrics(); // after the response: the environment is not frozen before the next GET /next
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// <see cref="RunAsync"/> for Program.cs: returns 0 when the loop ends normally, or writes ONE log line
    /// naming the fatal error and returns 1. Usage: <c>return await bootstrap.RunToExitCodeAsync();</c>
    /// </summary>
    public async Task<int> RunToExitCodeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (LambdaInitializationException)
        {
            return 1; // already logged once and posted to /init/error
        }
        catch (Exception ex)
        {
            ConsoleLambdaLogger.RuntimeLine("FATAL", $"Lambda runtime stopping: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    private async Task<bool> InitializeAsync(RuntimeApiClient client, CancellationToken ct)
    {
        if (_initializer is null)
        {
            return true;
        }

        try
        {
            return await _initializer().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ConsoleLambdaLogger.RuntimeLine("ERROR", $"Init error: {ex.GetType().Name}: {ex.Message}");
            await client.ReportInitializationErrorAsync(ex, ct).ConfigureAwait(false);
            throw new LambdaInitializationException(ex);
        }
    }

    private async Task InvokeOnceAsync(RuntimeApiClient client, LambdaEnvironment environment, CancellationToken ct)
    {
        using var invocation = await client.GetNextInvocationAsync(environment, ct).ConfigureAwait(false);
        var context = invocation.LambdaContext;
        if (!_invoked)
        {
            _invoked = true;
            LambdaMetrics.ColdStart(environment.FunctionName);
        }

        // Provided runtimes own this variable: set per invoke, deleted (null) when the header is absent.
        Environment.SetEnvironmentVariable(TraceIdEnvironmentVariable, context.TraceId);

        Stream? output;
        try
        {
            output = await _handler(invocation.InputStream, context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ConsoleLambdaLogger.RuntimeLine("ERROR", $"{context.AwsRequestId} Invocation error: {ex.GetType().Name}: {ex.Message}");
            await client.ReportInvocationErrorAsync(context.AwsRequestId, ex, ct).ConfigureAwait(false);
            return;
        }

        try
        {
            await client.SendResponseAsync(context.AwsRequestId, output, ct).ConfigureAwait(false);
        }
        catch (RuntimeApiException ex) when (ex.StatusCode == 413)
        {
            // Lambda already turned this invoke into Function.ResponseSizeTooLarge; the environment is healthy.
            ConsoleLambdaLogger.RuntimeLine("ERROR", $"{context.AwsRequestId} {ex.Message}");
        }
        finally
        {
            output?.Dispose();
        }
    }

    private void FlushMetrics()
    {
        try
        {
            _metrics?.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            ConsoleLambdaLogger.RuntimeLine("ERROR", $"Metrics flush failed: {ex.GetType().Name}"); // metrics never stop the loop
        }
    }

    internal static string? ResolveRuntimeApiEndpoint(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == RuntimeApiEndpointArgument && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith(RuntimeApiEndpointArgument + "=", StringComparison.Ordinal))
            {
                return args[i][(RuntimeApiEndpointArgument.Length + 1)..];
            }
        }

        return Environment.GetEnvironmentVariable(RuntimeApiEnvironmentVariable);
    }

    public void Dispose()
    {
        _client?.Dispose();
        _metrics?.Dispose();
    }
}
