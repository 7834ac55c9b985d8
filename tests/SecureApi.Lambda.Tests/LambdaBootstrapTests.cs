using System.Text;
using System.Text.Json;
using SecureApi.Lambda.Core;
using SecureApi.Lambda.RuntimeSupport;
using SecureApi.Testing;

namespace SecureApi.Lambda.Tests;

[Collection(RuntimeLoopCollection.Name)]
public sealed class LambdaBootstrapTests
{
    private static LambdaBootstrap Typed(RuntimeApiDouble api, Func<Greeting, ILambdaContext, Task<Reply>> handler)
        => LambdaBootstrapBuilder.Create(handler, BootstrapRun.Serializer).UseRuntimeApiEndpoint(api.Endpoint).Build();

    [Fact]
    public async Task Handler_result_is_posted_to_response_as_json()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = Typed(api, (g, _) => Task.FromResult(new Reply($"Hello {g.Name}")));
        await using var run = BootstrapRun.Start(bootstrap);

        var result = await api.InvokeAsync("""{"name":"Ada"}""");

        Assert.Equal("/2018-06-01/runtime/invocation/" + result.RequestId + "/response", result.Path);
        Assert.Equal("application/json", result.ContentType);
        Assert.Equal("""{"message":"Hello Ada"}""", result.BodyText);
    }

    [Fact]
    public async Task Consecutive_events_each_get_their_own_response()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = Typed(api, (g, _) => Task.FromResult(new Reply(g.Name)));
        await using var run = BootstrapRun.Start(bootstrap);

        var first = api.Enqueue("""{"name":"one"}""");
        var second = api.Enqueue("""{"name":"two-is-longer"}""");
        var third = api.Enqueue("""{"name":"3"}""");

        Assert.Equal("""{"message":"one"}""", (await first.WaitAsync()).BodyText);
        Assert.Equal("""{"message":"two-is-longer"}""", (await second.WaitAsync()).BodyText);
        Assert.Equal("""{"message":"3"}""", (await third.WaitAsync()).BodyText);
    }

    [Fact]
    public async Task Context_carries_request_id_arn_deadline_and_function_environment()
    {
        using var env = new EnvironmentScope(new()
        {
            ["AWS_LAMBDA_FUNCTION_NAME"] = "orders-fn",
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "7",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "256",
            ["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/orders-fn",
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/11/24/[7]abc",
        });
        await using var api = await RuntimeApiDouble.StartAsync();
        ILambdaContext? seen = null;
        TimeSpan remaining = default;
        using var bootstrap = Typed(api, (_, ctx) =>
        {
            seen = ctx;
            remaining = ctx.RemainingTime;
            return Task.FromResult(new Reply("ok"));
        });
        await using var run = BootstrapRun.Start(bootstrap);

        const string arn = "arn:aws:lambda:eu-west-1:111122223333:function:orders-fn:live";
        var result = await api.InvokeAsync("""{"name":"x"}""", new RuntimeApiEventOptions
        {
            RequestId = "req-123",
            FunctionArn = arn,
            Timeout = TimeSpan.FromSeconds(20),
        });

        Assert.False(result.IsError);
        Assert.NotNull(seen);
        Assert.Equal("req-123", seen.AwsRequestId);
        Assert.Equal(arn, seen.InvokedFunctionArn);
        Assert.InRange(remaining, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(20));
        Assert.Equal("orders-fn", seen.FunctionName);
        Assert.Equal("7", seen.FunctionVersion);
        Assert.Equal(256, seen.MemoryLimitInMB);
        Assert.Equal("/aws/lambda/orders-fn", seen.LogGroupName);
        Assert.Equal("2026/11/24/[7]abc", seen.LogStreamName);
    }

    [Fact]
    public async Task Optional_headers_are_read_case_insensitively_and_client_context_parses_on_demand()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        ILambdaContext? seen = null;
        using var bootstrap = Typed(api, (_, ctx) => { seen = ctx; return Task.FromResult(new Reply("ok")); });
        await using var run = BootstrapRun.Start(bootstrap);

        await api.InvokeAsync("""{"name":"x"}""", new RuntimeApiEventOptions
        {
            FunctionArn = null,
            ExtraHeaders = new Dictionary<string, string>
            {
                ["lambda-runtime-invoked-function-arn"] = "arn:lower",
                ["LAMBDA-RUNTIME-CLIENT-CONTEXT"] = """{"client":{"app_title":"Shop","installation_id":"i-1"},"custom":{"k":"v"},"env":{"locale":"en"}}""",
                ["lambda-runtime-cognito-identity"] = """{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}""",
                ["Lambda-Runtime-Aws-Tenant-Id"] = "tenant-9",
            },
        });

        Assert.NotNull(seen);
        Assert.Equal("arn:lower", seen.InvokedFunctionArn);
        Assert.Equal("Shop", seen.ClientContext?.Client?.AppTitle);
        Assert.Equal("i-1", seen.ClientContext?.Client?.InstallationId);
        Assert.Equal("v", seen.ClientContext?.Custom?["k"]);
        Assert.Equal("en", seen.ClientContext?.Environment?["locale"]);
        Assert.Equal("id-1", seen.Identity?.IdentityId);
        Assert.Equal("pool-1", seen.Identity?.IdentityPoolId);
        Assert.Equal("tenant-9", seen.TenantId);
    }

    [Fact]
    public async Task Missing_optional_headers_leave_context_fields_empty_and_no_time_remaining()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        ILambdaContext? seen = null;
        using var bootstrap = Typed(api, (_, ctx) => { seen = ctx; return Task.FromResult(new Reply("ok")); });
        await using var run = BootstrapRun.Start(bootstrap);

        var result = await api.InvokeAsync("""{"name":"x"}""", new RuntimeApiEventOptions { FunctionArn = null, Timeout = null });

        Assert.False(result.IsError);
        Assert.NotNull(seen);
        Assert.Equal(string.Empty, seen.InvokedFunctionArn);
        Assert.Null(seen.TraceId);
        Assert.Null(seen.ClientContext);
        Assert.Null(seen.Identity);
        Assert.Equal(TimeSpan.Zero, seen.RemainingTime);
    }

    [Fact]
    public async Task Trace_id_header_sets_X_AMZN_TRACE_ID_per_invoke_and_its_absence_clears_it()
    {
        using var env = new EnvironmentScope(new() { [LambdaBootstrap.TraceIdEnvironmentVariable] = "stale-from-before" });
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = Typed(api, (_, ctx) => Task.FromResult(
            new Reply(ctx.TraceId ?? "none", Environment.GetEnvironmentVariable(LambdaBootstrap.TraceIdEnvironmentVariable))));
        await using var run = BootstrapRun.Start(bootstrap);

        const string trace1 = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
        const string trace2 = "Root=1-6759e988-bd862e3fe1be46a994272794;Parent=63995c3f42cd8ad8;Sampled=0";
        var first = await api.InvokeAsync("""{"name":"a"}""", new RuntimeApiEventOptions { TraceId = trace1 });
        var second = await api.InvokeAsync("""{"name":"b"}""", new RuntimeApiEventOptions { TraceId = trace2 });
        var third = await api.InvokeAsync("""{"name":"c"}""", new RuntimeApiEventOptions { TraceId = null });

        Assert.Equal(trace1, Deserialize(first).TraceEnv);
        Assert.Equal(trace2, Deserialize(second).TraceEnv);
        Assert.Equal("none", Deserialize(third).Message);
        Assert.Null(Deserialize(third).TraceEnv);
    }

    [Fact]
    public async Task Handler_exception_is_reported_as_error_json_with_type_header_and_the_loop_continues()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = Typed(api, (g, _) => g.Name == "boom"
            ? throw new InvalidOperationException("Widget store unavailable")
            : Task.FromResult(new Reply("fine")));
        await using var run = BootstrapRun.Start(bootstrap);

        var failed = await api.InvokeAsync("""{"name":"boom"}""");
        var next = await api.InvokeAsync("""{"name":"calm"}""");

        Assert.True(failed.IsError);
        Assert.Equal("/2018-06-01/runtime/invocation/" + failed.RequestId + "/error", failed.Path);
        Assert.Equal("application/vnd.aws.lambda.error+json", failed.ContentType);
        Assert.Equal("InvalidOperationException", failed.Header("Lambda-Runtime-Function-Error-Type"));
        using var json = JsonDocument.Parse(failed.Body);
        Assert.Equal("InvalidOperationException", json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("Widget store unavailable", json.RootElement.GetProperty("errorMessage").GetString());
        var stack = json.RootElement.GetProperty("stackTrace").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.NotEmpty(stack);
        Assert.All(stack, line => Assert.Equal(line.Trim(), line));
        Assert.False(next.IsError);
        Assert.Equal("""{"message":"fine"}""", next.BodyText);
    }

    [Fact]
    public async Task Error_report_over_256_KB_is_replaced_by_the_oversize_message_and_keeps_the_type_header()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = Typed(api, (_, _) => throw new ArgumentException(new string('x', 300 * 1024)));
        await using var run = BootstrapRun.Start(bootstrap);

        var failed = await api.InvokeAsync("""{"name":"big"}""");

        Assert.True(failed.IsError);
        Assert.Equal("""{"errorMessage":"Exception exceeded maximum payload size of 256KB."}""", failed.BodyText);
        Assert.Equal("ArgumentException", failed.Header("Lambda-Runtime-Function-Error-Type"));
    }

    [Theory]
    [InlineData("not-a-number")]
    [InlineData("")]
    [InlineData("1700000000000")]
    public async Task Unparsable_or_past_deadline_reads_as_no_time_remaining(string deadlineHeader)
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        TimeSpan? remaining = null;
        using var bootstrap = Typed(api, (_, ctx) => { remaining = ctx.RemainingTime; return Task.FromResult(new Reply("ok")); });
        await using var run = BootstrapRun.Start(bootstrap);

        var result = await api.InvokeAsync("""{"name":"x"}""", new RuntimeApiEventOptions
        {
            Timeout = null,
            ExtraHeaders = new Dictionary<string, string> { ["Lambda-Runtime-Deadline-Ms"] = deadlineHeader },
        });

        Assert.False(result.IsError);
        Assert.Equal(TimeSpan.Zero, remaining);
    }

    [Theory]
    [InlineData("""{"name": """)]
    [InlineData("not json at all")]
    [InlineData("""{"name": 42}""")]
    public async Task Malformed_event_is_an_invocation_error_and_the_loop_continues(string badEvent)
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = Typed(api, (g, _) => Task.FromResult(new Reply(g.Name)));
        await using var run = BootstrapRun.Start(bootstrap);

        var failed = await api.InvokeAsync(badEvent);
        var next = await api.InvokeAsync("""{"name":"ok"}""");

        Assert.True(failed.IsError);
        Assert.Equal("JsonSerializerException", failed.Header("Lambda-Runtime-Function-Error-Type"));
        using var json = JsonDocument.Parse(failed.Body);
        Assert.StartsWith("Error converting the Lambda event JSON payload to type Greeting", json.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.False(next.IsError);
        Assert.False(run.Completion.IsCompleted);
    }

    [Fact]
    public async Task Raw_handler_gets_event_bytes_and_a_null_result_posts_an_empty_body()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        string? received = null;
        using var bootstrap = LambdaBootstrapBuilder.Create(async (stream, _) =>
            {
                using var reader = new StreamReader(stream);
                received = await reader.ReadToEndAsync();
                return received == "echo" ? new MemoryStream(Encoding.UTF8.GetBytes("\"echoed\"")) : null;
            })
            .UseRuntimeApiEndpoint(api.Endpoint)
            .Build();
        await using var run = BootstrapRun.Start(bootstrap);

        var empty = await api.InvokeAsync("raw bytes, not json");
        Assert.Equal("raw bytes, not json", received);
        var echoed = await api.InvokeAsync("echo");

        Assert.False(empty.IsError);
        Assert.Empty(empty.Body);
        Assert.Equal("\"echoed\"", echoed.BodyText);
    }

    [Fact]
    public async Task Initializer_exception_posts_init_error_and_RunAsync_fails()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = LambdaBootstrapBuilder.Create((Greeting g, ILambdaContext _) => Task.FromResult(new Reply(g.Name)), BootstrapRun.Serializer)
            .UseBootstrapHandler(() => throw new InvalidOperationException("TokenAuthorizer__Issuer is required"))
            .UseRuntimeApiEndpoint(api.Endpoint)
            .Build();

        var thrown = await Assert.ThrowsAsync<LambdaInitializationException>(() => bootstrap.RunAsync());

        var initError = await api.InitError.WaitAsync(TimeSpan.FromSeconds(10));
        using var json = JsonDocument.Parse(initError.Body);
        Assert.Equal("InvalidOperationException", json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("TokenAuthorizer__Issuer is required", json.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal("application/vnd.aws.lambda.error+json", initError.ContentType);
        Assert.IsType<InvalidOperationException>(thrown.InnerException);
        Assert.Equal(0, api.NextRequestCount);
    }

    [Fact]
    public async Task Initializer_failure_makes_RunToExitCodeAsync_return_1()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = LambdaBootstrapBuilder.Create((Greeting g, ILambdaContext _) => Task.FromResult(new Reply(g.Name)), BootstrapRun.Serializer)
            .UseBootstrapHandler(() => Task.FromException<bool>(new FormatException("bad config")))
            .UseRuntimeApiEndpoint(api.Endpoint)
            .Build();

        Assert.Equal(1, await bootstrap.RunToExitCodeAsync());
        Assert.Single(api.InitErrors);
    }

    [Fact]
    public async Task Initializer_returning_false_stops_before_any_next_call()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        var handlerCalls = 0;
        using var bootstrap = LambdaBootstrapBuilder.Create((Greeting g, ILambdaContext _) => { handlerCalls++; return Task.FromResult(new Reply(g.Name)); }, BootstrapRun.Serializer)
            .UseBootstrapHandler(() => Task.FromResult(false))
            .UseRuntimeApiEndpoint(api.Endpoint)
            .Build();
        api.Enqueue("""{"name":"never"}""");

        Assert.Equal(0, await bootstrap.RunToExitCodeAsync());

        Assert.Equal(0, api.NextRequestCount);
        Assert.Equal(0, handlerCalls);
        Assert.Empty(api.InitErrors);
    }

    [Theory]
    [InlineData(500, "Container error")]
    [InlineData(410, "HTTP 410")]
    [InlineData(403, "Forbidden")]
    [InlineData(404, "HTTP 404")]
    public async Task Unexpected_status_on_next_makes_RunAsync_throw_a_clear_error(int status, string expected)
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        api.AnswerNextWith(status);
        using var bootstrap = Typed(api, (g, _) => Task.FromResult(new Reply(g.Name)));

        var thrown = await Assert.ThrowsAsync<RuntimeApiException>(() => bootstrap.RunAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(status, thrown.StatusCode);
        Assert.Contains("invocation/next", thrown.Message, StringComparison.Ordinal);
        Assert.Contains(expected, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_without_a_request_id_header_is_fatal()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = Typed(api, (g, _) => Task.FromResult(new Reply(g.Name)));
        api.Enqueue("""{"name":"x"}""", new RuntimeApiEventOptions
        {
            ExtraHeaders = new Dictionary<string, string> { ["Lambda-Runtime-Aws-Request-Id"] = "" },
        });

        var thrown = await Assert.ThrowsAsync<RuntimeApiException>(() => bootstrap.RunAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("Lambda-Runtime-Aws-Request-Id", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_while_long_polling_ends_the_loop_with_exit_code_1()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = Typed(api, (g, _) => Task.FromResult(new Reply(g.Name)));
        var exitCode = bootstrap.RunToExitCodeAsync();
        await api.InvokeAsync("""{"name":"one"}""");
        await WaitUntil(() => api.WaitingNextCount == 1);

        api.Shutdown();

        Assert.Equal(1, await exitCode.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Rejected_response_with_500_is_fatal_but_413_is_logged_and_the_loop_continues()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = Typed(api, (g, _) => Task.FromResult(new Reply(g.Name)));
        await using var run = BootstrapRun.Start(bootstrap);

        api.AnswerResultsWith = 413;
        await api.InvokeAsync("""{"name":"too big"}""");
        api.AnswerResultsWith = null;
        var afterTooLarge = await api.InvokeAsync("""{"name":"still alive"}""");
        api.AnswerResultsWith = 500;
        await api.InvokeAsync("""{"name":"container broke"}""");

        Assert.Equal("""{"message":"still alive"}""", afterTooLarge.BodyText);
        var thrown = await Assert.ThrowsAsync<RuntimeApiException>(() => run.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(500, thrown.StatusCode);
    }

    [Fact]
    public async Task Cancelling_the_token_while_long_polling_returns_normally()
    {
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = Typed(api, (g, _) => Task.FromResult(new Reply(g.Name)));
        using var cts = new CancellationTokenSource();
        var run = bootstrap.RunAsync(cts.Token);
        await WaitUntil(() => api.WaitingNextCount == 1);

        cts.Cancel();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Missing_runtime_api_endpoint_is_a_clear_error()
    {
        using var env = new EnvironmentScope(new() { [LambdaBootstrap.RuntimeApiEnvironmentVariable] = null });
        using var bootstrap = LambdaBootstrapBuilder.Create((s, _) => Task.FromResult<Stream?>(null)).Build();

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => bootstrap.RunAsync());

        Assert.Contains("AWS_LAMBDA_RUNTIME_API", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--runtime-api-endpoint", "127.0.0.1:9001" }, "127.0.0.1:9001")]
    [InlineData(new[] { "x", "--runtime-api-endpoint=localhost:9" }, "localhost:9")]
    [InlineData(new[] { "x" }, "from-env:1")]
    public void Runtime_api_endpoint_comes_from_the_argument_before_the_env_var(string[] args, string expected)
    {
        using var env = new EnvironmentScope(new() { [LambdaBootstrap.RuntimeApiEnvironmentVariable] = "from-env:1" });

        Assert.Equal(expected, LambdaBootstrap.ResolveRuntimeApiEndpoint(args));
    }

    private static Reply Deserialize(RuntimeApiResult result)
        => JsonSerializer.Deserialize(result.Body, TestJsonContext.Default.Reply)!;

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 10 s");
            await Task.Delay(10);
        }
    }
}
