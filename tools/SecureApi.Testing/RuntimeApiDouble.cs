using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecureApi.Testing;

/// <summary>
/// A loopback-only (127.0.0.1, free port) Lambda Runtime API 2018-06-01 for tests and benchmarks.
/// Queue events with <see cref="Enqueue(string, RuntimeApiEventOptions?)"/>, point a runtime at
/// <see cref="Endpoint"/> (AWS_LAMBDA_RUNTIME_API), await <see cref="RuntimeApiInvocation.Result"/>.
/// Works for an in-process <c>LambdaBootstrap</c> and for a child process alike.
/// </summary>
public sealed class RuntimeApiDouble : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";

    private readonly WebApplication _app;
    private readonly Channel<RuntimeApiInvocation> _queue = Channel.CreateUnbounded<RuntimeApiInvocation>();
    private readonly ConcurrentDictionary<string, RuntimeApiInvocation> _awaitingAnswer = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RuntimeApiResult> _initErrors = new();
    private readonly TaskCompletionSource<RuntimeApiResult> _firstInitError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstNext = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<int> _nextOverride = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextRequests;
    private int _waitingNext;

    private RuntimeApiDouble(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary><c>127.0.0.1:port</c>: the value for AWS_LAMBDA_RUNTIME_API.</summary>
    public string Endpoint { get; }

    /// <summary>How many GET /next requests arrived (answered or still waiting).</summary>
    public int NextRequestCount => Volatile.Read(ref _nextRequests);

    /// <summary>How many GET /next long-polls are waiting right now.</summary>
    public int WaitingNextCount => Volatile.Read(ref _waitingNext);

    /// <summary>Completes when the first GET /next arrives (the runtime finished init).</summary>
    public Task FirstNextRequest => _firstNext.Task;

    /// <summary>Completes with the first POST /runtime/init/error.</summary>
    public Task<RuntimeApiResult> InitError => _firstInitError.Task;

    public IReadOnlyCollection<RuntimeApiResult> InitErrors => _initErrors.ToArray();

    /// <summary>When set, POSTs of /response and /error are still recorded but answered with this status (e.g. 413, 500).</summary>
    public int? AnswerResultsWith { get; set; }

    public static async Task<RuntimeApiDouble> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0); // loopback only, free port
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });

        var app = builder.Build();
        RuntimeApiDouble? self = null;
        app.Run(context => self!.HandleAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var port = new Uri(address).Port;
        self = new RuntimeApiDouble(app, $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        return self;
    }

    /// <summary>Queues an event for the next GET /next.</summary>
    public RuntimeApiInvocation Enqueue(byte[] eventBody, RuntimeApiEventOptions? options = null)
    {
        options ??= new RuntimeApiEventOptions();
        var invocation = new RuntimeApiInvocation(options.RequestId ?? Guid.NewGuid().ToString(), eventBody, BuildHeaders(options), options.Timeout);
        if (!_awaitingAnswer.TryAdd(invocation.RequestId, invocation))
        {
            throw new InvalidOperationException($"Request id {invocation.RequestId} is already queued.");
        }

        _queue.Writer.TryWrite(invocation);
        return invocation;
    }

    public RuntimeApiInvocation Enqueue(string eventJson, RuntimeApiEventOptions? options = null)
        => Enqueue(Encoding.UTF8.GetBytes(eventJson), options);

    /// <summary>Enqueue and await the runtime's answer (30 s default timeout).</summary>
    public Task<RuntimeApiResult> InvokeAsync(string eventJson, RuntimeApiEventOptions? options = null, TimeSpan? timeout = null)
        => Enqueue(eventJson, options).WaitAsync(timeout);

    /// <summary>Answer every waiting and future GET /next with <paramref name="statusCode"/> (e.g. 500, 403).</summary>
    public void AnswerNextWith(int statusCode) => _nextOverride.TrySetResult(statusCode);

    /// <summary>Tell the runtime to stop: GET /next answers 410 from now on (a runtime exits on unexpected status).</summary>
    public void Shutdown() => AnswerNextWith(StatusCodes.Status410Gone);

    /// <summary>Undo <see cref="AnswerNextWith"/>: GET /next serves queued events again.</summary>
    public void ServeEventsAgain() => _nextOverride = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Dictionary<string, string> BuildHeaders(RuntimeApiEventOptions options)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Add(headers, "Lambda-Runtime-Invoked-Function-Arn", options.FunctionArn);
        Add(headers, "Lambda-Runtime-Trace-Id", options.TraceId);
        Add(headers, "Lambda-Runtime-Client-Context", options.ClientContext);
        Add(headers, "Lambda-Runtime-Cognito-Identity", options.CognitoIdentity);
        foreach (var (name, value) in options.ExtraHeaders ?? new Dictionary<string, string>())
        {
            headers[name] = value;
        }

        return headers;

        static void Add(Dictionary<string, string> headers, string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                headers[name] = value;
            }
        }
    }

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Status(context, StatusCodes.Status404NotFound);
        }

        var route = path[Prefix.Length..];
        if (HttpMethods.IsGet(context.Request.Method) && route == "invocation/next")
        {
            return NextAsync(context);
        }

        if (HttpMethods.IsPost(context.Request.Method) && route == "init/error")
        {
            return InitErrorAsync(context);
        }

        if (HttpMethods.IsPost(context.Request.Method) && route.StartsWith("invocation/", StringComparison.Ordinal)
            && (route.EndsWith("/response", StringComparison.Ordinal) || route.EndsWith("/error", StringComparison.Ordinal)))
        {
            var requestId = Uri.UnescapeDataString(route["invocation/".Length..route.LastIndexOf('/')]);
            return ResultAsync(context, requestId);
        }

        return Status(context, StatusCodes.Status404NotFound);
    }

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextRequests);
        _firstNext.TrySetResult();
        Interlocked.Increment(ref _waitingNext);
        try
        {
            while (true)
            {
                var overrideTask = _nextOverride.Task;
                if (overrideTask.IsCompleted)
                {
                    await Status(context, overrideTask.Result).ConfigureAwait(false);
                    return;
                }

                var readable = _queue.Reader.WaitToReadAsync(context.RequestAborted).AsTask();
                if (await Task.WhenAny(readable, overrideTask).ConfigureAwait(false) == overrideTask)
                {
                    continue;
                }

                await readable.ConfigureAwait(false); // throws when the client went away
                if (_queue.Reader.TryRead(out var invocation))
                {
                    await ServeEventAsync(context, invocation).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The runtime process died or was killed while long-polling; the queue is untouched.
        }
        finally
        {
            Interlocked.Decrement(ref _waitingNext);
        }
    }

    private static async Task ServeEventAsync(HttpContext context, RuntimeApiInvocation invocation)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.Headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        if (invocation.Timeout is { } timeout)
        {
            // Like Lambda, the deadline starts when the event is handed out, not when it was queued.
            var deadline = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)timeout.TotalMilliseconds;
            response.Headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (name, value) in invocation.Headers)
        {
            response.Headers[name] = value; // ExtraHeaders may override the computed deadline on purpose
        }

        response.ContentLength = invocation.Body.Length;
        await response.Body.WriteAsync(invocation.Body).ConfigureAwait(false);
    }

    private async Task ResultAsync(HttpContext context, string requestId)
    {
        var received = Stopwatch.GetTimestamp();
        if (!_awaitingAnswer.TryRemove(requestId, out var invocation))
        {
            await Status(context, StatusCodes.Status400BadRequest).ConfigureAwait(false); // unknown id or second answer
            return;
        }

        var result = await ReadAsync(context, requestId, received).ConfigureAwait(false);
        invocation.Completion.TrySetResult(result);
        await Status(context, AnswerResultsWith ?? StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    private async Task InitErrorAsync(HttpContext context)
    {
        var result = await ReadAsync(context, requestId: string.Empty, Stopwatch.GetTimestamp()).ConfigureAwait(false);
        _initErrors.Enqueue(result);
        _firstInitError.TrySetResult(result);
        await Status(context, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    private static async Task<RuntimeApiResult> ReadAsync(HttpContext context, string requestId, long received)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            headers[name] = values.ToString();
        }

        return new RuntimeApiResult(requestId, context.Request.Path.Value!, buffer.ToArray(), context.Request.ContentType, headers, received);
    }

    private static Task Status(HttpContext context, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        AnswerNextWith(StatusCodes.Status410Gone);
        await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
