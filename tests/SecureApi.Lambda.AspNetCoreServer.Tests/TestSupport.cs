using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.AspNetCoreServer;
using SecureApi.Lambda.Core;

namespace SecureApi.Lambda.AspNetCoreServer.Tests;

/// <summary>A small app on <see cref="LambdaServer"/> (no runtime loop), built with CreateSlimBuilder.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, LambdaServer server, TestLoggerProvider logs)
    {
        _app = app;
        Server = server;
        Logs = logs;
    }

    public LambdaServer Server { get; }
    public TestLoggerProvider Logs { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(
        Action<WebApplication> map,
        Action<HostingOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        string? runtimeApiEndpoint = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new TestLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddLambdaServer(
            new LambdaServerMode { RunRuntimeLoop = runtimeApiEndpoint is not null, RuntimeApiEndpoint = runtimeApiEndpoint },
            configure);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new TestApp(app, (LambdaServer)app.Services.GetRequiredService<IServer>(), logs);
    }

    /// <summary>An app whose every request is recorded as a <see cref="Seen"/> snapshot and answered 200 "ok".</summary>
    public static async Task<(TestApp App, Recorder Recorder)> StartRecordingAsync(Action<HostingOptions>? configure = null)
    {
        var recorder = new Recorder();
        var app = await StartAsync(a => a.Run(recorder.RecordAsync), configure);
        return (app, recorder);
    }

    public Task<APIGatewayProxyResponse> InvokeAsync(APIGatewayProxyRequest request, ILambdaContext? context = null) =>
        Server.ProcessAsync(request, context ?? new TestLambdaContext());

    /// <summary>The raw path: event JSON in, response JSON out.</summary>
    public async Task<string> InvokeJsonAsync(string eventJson, ILambdaContext? context = null)
    {
        using var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(eventJson));
        using var output = await Server.ProcessAsync(input, context ?? new TestLambdaContext());
        return new StreamReader(output!).ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>What the app saw of one request (the HttpContext itself is reused after the invocation).</summary>
internal sealed record Seen(
    string Method, string Scheme, string Protocol, string Path, string PathBase, string QueryString, string? RawTarget,
    IReadOnlyDictionary<string, string[]> Query, IHeaderDictionary Headers, byte[] Body, bool CanHaveBody,
    string? RemoteIp, int RemotePort, string TraceIdentifier, ClaimsPrincipal User,
    object? LambdaContextItem, object? LambdaRequestObjectItem, object? MissingItem);

internal sealed class Recorder
{
    public Seen? Last { get; private set; }

    public async Task RecordAsync(HttpContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var headers = new HeaderDictionary();
        foreach (var (name, value) in request.Headers)
        {
            headers[name] = value;
        }
        Last = new Seen(
            request.Method, request.Scheme, request.Protocol, request.Path.Value!, request.PathBase.Value ?? "",
            request.QueryString.Value ?? "",
            context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget,
            request.Query.ToDictionary(q => q.Key, q => q.Value.Select(v => v ?? "").ToArray()),
            headers, body.ToArray(),
            context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false,
            context.Connection.RemoteIpAddress?.ToString(), context.Connection.RemotePort, context.TraceIdentifier, context.User,
            context.Items[LambdaItemKeys.LambdaContext], context.Items[LambdaItemKeys.LambdaRequestObject], context.Items["no-such-key"]);
        await context.Response.WriteAsync("ok");
    }
}

internal sealed class TestLambdaContext : ILambdaContext
{
    public string AwsRequestId { get; init; } = Guid.NewGuid().ToString();
    public string FunctionName => "hosting-tests";
    public string FunctionVersion => "$LATEST";
    public string InvokedFunctionArn => "arn:aws:lambda:us-east-1:123456789012:function:hosting-tests";
    public int MemoryLimitInMB => 512;
    public string LogGroupName => "/aws/lambda/hosting-tests";
    public string LogStreamName => "stream";
    public string? TraceId => null;
    public TimeSpan RemainingTime => TimeSpan.FromSeconds(30);
    public ILambdaLogger Logger { get; } = new NullLambdaLogger();

    private sealed class NullLambdaLogger : ILambdaLogger
    {
        public void Log(string message) { }
        public void LogLine(string message) { }
    }
}

internal sealed class TestLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    private sealed class Logger(TestLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
    }
}

/// <summary>Proxy events as API Gateway sends them for a stage called Prod.</summary>
internal static class Events
{
    public static APIGatewayProxyRequest Get(string path, string stage = "Prod") => new()
    {
        Resource = "/{proxy+}",
        Path = path,
        HttpMethod = "GET",
        PathParameters = new Dictionary<string, string> { ["proxy"] = path.TrimStart('/') },
        Headers = new Dictionary<string, string> { ["Host"] = "abc123.execute-api.us-east-1.amazonaws.com" },
        RequestContext = new APIGatewayProxyRequest.ProxyRequestContext
        {
            Path = $"/{stage}{path}",
            Stage = stage,
            ApiId = "abc123",
            HttpMethod = "GET",
            RequestId = "req-1",
            Protocol = "HTTP/1.1",
            Identity = new APIGatewayProxyRequest.RequestIdentity { SourceIp = "203.0.113.7" },
        },
    };

    public static string GetJson(string path) => $$"""
        {
          "resource": "/{proxy+}",
          "path": "{{path}}",
          "httpMethod": "GET",
          "headers": { "Host": "abc123.execute-api.us-east-1.amazonaws.com", "Accept": "application/json" },
          "multiValueHeaders": { "Host": ["abc123.execute-api.us-east-1.amazonaws.com"], "Accept": ["application/json"] },
          "queryStringParameters": null,
          "multiValueQueryStringParameters": null,
          "pathParameters": { "proxy": "{{path.TrimStart('/')}}" },
          "stageVariables": null,
          "requestContext": {
            "resourcePath": "/{proxy+}", "httpMethod": "GET", "path": "/Prod{{path}}", "stage": "Prod",
            "apiId": "abc123", "accountId": "123456789012", "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "protocol": "HTTP/1.1", "identity": { "sourceIp": "203.0.113.7", "userAgent": "curl/8.0" }
          },
          "body": null,
          "isBase64Encoded": false
        }
        """;
}
