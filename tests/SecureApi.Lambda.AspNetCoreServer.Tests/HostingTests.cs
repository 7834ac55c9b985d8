using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using SecureApi.Lambda.AspNetCoreServer.Internal;
using SecureApi.Testing;

namespace SecureApi.Lambda.AspNetCoreServer.Tests;

/// <summary>Tests that read or write process environment variables; they never run in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Name = "Process environment";
}

[Collection(ProcessEnvironment.Name)]
public sealed class HostingTests
{
    [Fact]
    public void Without_AWS_LAMBDA_FUNCTION_NAME_the_app_keeps_Kestrel()
    {
        using var _ = new EnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME", null);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddLambdaHosting(LambdaEventSource.RestApi);
        using var app = builder.Build();

        var server = Assert.Single(app.Services.GetServices<IServer>());
        Assert.IsNotType<LambdaServer>(server);
    }

    [Fact]
    public void With_AWS_LAMBDA_FUNCTION_NAME_LambdaServer_is_the_only_server()
    {
        using var _ = new EnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME", "my-function");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddLambdaHosting(LambdaEventSource.RestApi);
        using var app = builder.Build();

        Assert.IsType<LambdaServer>(Assert.Single(app.Services.GetServices<IServer>()));
    }

    [Theory]
    [InlineData(LambdaEventSource.HttpApi)]
    [InlineData(LambdaEventSource.ApplicationLoadBalancer)]
    [InlineData(LambdaEventSource.WebsocketApi)]
    public void Event_sources_other_than_RestApi_are_rejected_with_a_clear_message(LambdaEventSource source)
    {
        var services = new ServiceCollection();
        var error = Assert.Throws<NotSupportedException>(() => services.AddLambdaHosting(source));
        Assert.Contains(source.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("RestApi", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TraceIdentifier_is_the_X_Ray_trace_header_of_the_invocation()
    {
        using var _ = new EnvironmentVariable("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
        var (app, recorder) = await TestApp.StartRecordingAsync();
        await using (app)
        {
            await app.InvokeAsync(Events.Get("/t"));
            Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", recorder.Last!.TraceIdentifier);
        }
    }

    [Fact]
    public async Task TraceIdentifier_is_generated_when_there_is_no_trace_header()
    {
        using var _ = new EnvironmentVariable("_X_AMZN_TRACE_ID", null);
        var (app, recorder) = await TestApp.StartRecordingAsync();
        await using (app)
        {
            await app.InvokeAsync(Events.Get("/t"));
            var first = recorder.Last!.TraceIdentifier;
            await app.InvokeAsync(Events.Get("/t"));
            Assert.False(string.IsNullOrEmpty(first));
            Assert.NotEqual(first, recorder.Last!.TraceIdentifier);
        }
    }

    [Fact]
    public async Task Proxy_events_run_through_the_real_runtime_loop_including_a_500_that_is_not_an_invoke_error()
    {
        await using var runtimeApi = await RuntimeApiDouble.StartAsync();
        await using var app = await TestApp.StartAsync(
            a =>
            {
                a.MapGet("/hello", (HttpContext c) => $"hello {c.TraceIdentifier}");
                a.MapGet("/boom", string () => throw new InvalidOperationException("nope"));
            },
            runtimeApiEndpoint: runtimeApi.Endpoint);

        var ok = await runtimeApi.InvokeAsync(Events.GetJson("/hello"), new RuntimeApiEventOptions { TraceId = "Root=1-abc;Sampled=0" });
        var boom = await runtimeApi.InvokeAsync(Events.GetJson("/boom"));

        Assert.False(ok.IsError);
        using (var doc = JsonDocument.Parse(ok.BodyText))
        {
            Assert.Equal(200, doc.RootElement.GetProperty("statusCode").GetInt32());
            Assert.Equal("hello Root=1-abc;Sampled=0", doc.RootElement.GetProperty("body").GetString());
        }
        Assert.False(boom.IsError); // API Gateway must see our 500, not a 502 from a failed invoke
        using (var doc = JsonDocument.Parse(boom.BodyText))
        {
            Assert.Equal(500, doc.RootElement.GetProperty("statusCode").GetInt32());
        }
    }

    [Fact]
    public async Task Event_that_is_not_a_proxy_event_fails_only_that_invocation()
    {
        await using var runtimeApi = await RuntimeApiDouble.StartAsync();
        await using var app = await TestApp.StartAsync(a => a.MapGet("/hello", () => "hi"), runtimeApiEndpoint: runtimeApi.Endpoint);

        var bad = await runtimeApi.InvokeAsync("""{"httpMethod": 42""");
        var good = await runtimeApi.InvokeAsync(Events.GetJson("/hello"));

        Assert.True(bad.IsError);
        Assert.False(good.IsError);
    }

    [Fact]
    public async Task Init_error_reporter_posts_the_startup_exception_to_init_error()
    {
        await using var runtimeApi = await RuntimeApiDouble.StartAsync();
        var startupFailure = new Microsoft.Extensions.Options.OptionsValidationException("Greeting", typeof(object), ["Greeting:Text must not be empty."]);

        Assert.True(LambdaInitErrorReporter.Report(startupFailure, runtimeApi.Endpoint));

        var initError = await runtimeApi.InitError.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("OptionsValidationException", initError.BodyText, StringComparison.Ordinal);
    }

    // ---- the sample app as a real child process: Lambda mode end to end ----

    [Fact, Trait("Category", "Integration")] // starts the sample app's process
    public async Task Sample_app_in_Lambda_mode_answers_proxy_events_from_the_Runtime_API()
    {
        await using var runtimeApi = await RuntimeApiDouble.StartAsync();
        using var process = StartSample(runtimeApi.Endpoint, greeting: null);
        var result = await runtimeApi.InvokeAsync(Events.GetJson("/hello").Replace("\"queryStringParameters\": null", "\"queryStringParameters\": {\"name\":\"Ada\"}", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(result.BodyText);
        Assert.Equal(200, doc.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal("""{"message":"Hello, Ada!"}""", doc.RootElement.GetProperty("body").GetString());
    }

    [Fact, Trait("Category", "Integration")] // starts the sample app's process
    public async Task Sample_app_with_invalid_options_posts_init_error_and_exits_non_zero()
    {
        await using var runtimeApi = await RuntimeApiDouble.StartAsync();
        using var process = StartSample(runtimeApi.Endpoint, greeting: " ");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync().WaitAsync(timeout.Token);

        Assert.NotEqual(0, process.ExitCode);
        var initError = await runtimeApi.InitError.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("Greeting:Text must not be empty.", initError.BodyText, StringComparison.Ordinal);
        Assert.Equal(0, runtimeApi.NextRequestCount); // no invocation was ever pulled
    }

    [Fact, Trait("Category", "Integration")] // starts the sample app's process
    public async Task Sample_app_stops_with_exit_code_1_when_the_Runtime_API_answers_an_unexpected_status()
    {
        await using var runtimeApi = await RuntimeApiDouble.StartAsync();
        using var process = StartSample(runtimeApi.Endpoint, greeting: null);
        await runtimeApi.FirstNextRequest.WaitAsync(TimeSpan.FromSeconds(60));

        runtimeApi.Shutdown(); // GET /next answers 410 from now on

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync().WaitAsync(timeout.Token);
        Assert.Equal(1, process.ExitCode);
    }

    private static LambdaFunctionProcess StartSample(string runtimeApiEndpoint, string? greeting) =>
        LambdaFunctionProcess.StartAssembly("HostingSample", runtimeApiEndpoint, greeting is null
            ? new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" }
            : new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning", ["Greeting__Text"] = greeting });

    private sealed class EnvironmentVariable : IDisposable
    {
        private readonly string _name;
        private readonly string? _previous;

        public EnvironmentVariable(string name, string? value)
        {
            _name = name;
            _previous = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }

        public void Dispose() => Environment.SetEnvironmentVariable(_name, _previous);
    }
}
