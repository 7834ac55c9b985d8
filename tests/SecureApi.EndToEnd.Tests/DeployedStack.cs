using System.Text;
using System.Text.Json;
using SecureApi.LocalGateway;
using SecureApi.LocalGateway.Template;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>What the client receives from the stage: a gateway response or the API function's proxy response.</summary>
public sealed record ClientResponse(int StatusCode, string? ContentType, string Body, string GatewayReason);

/// <summary>
/// The stack of serverless.template, running locally: each published function is a Lambda process polling its own
/// loopback Runtime API, and the gateway core the local run uses (GatewayStage) plays API Gateway with the routes,
/// identity sources and TTLs read from the template, invoking the authorizer processes through <see cref="LambdaAuthorizerInvoker"/>
/// and the API process with the REST proxy event. Started once per test collection; processes killed at the end.
/// </summary>
public sealed class DeployedStack : IAsyncLifetime
{
    public const string Region = "us-east-1";
    public const string AccountId = "123456789012";
    public const string ApiId = "e2eapi0001";

    private readonly List<LambdaFunctionProcess> _processes = [];
    private readonly Dictionary<string, RuntimeApiDouble> _runtimes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _executables = new(StringComparer.Ordinal);
    private readonly List<string> _retiredOutput = [];

    /// <summary>The published native executable of each function, by logical id.</summary>
    public IReadOnlyDictionary<string, string> Executables => _executables;

    public ServerlessTemplate Template { get; } = ServerlessTemplate.Load();
    public GatewayDefinition Definition { get; } = ServerlessTemplateReader.Load(RepositoryRoot.TemplatePath);
    public GatewayStage Gateway { get; private set; } = null!;
    public LambdaAuthorizerInvoker Invoker { get; private set; } = null!;
    public GatewayTestCredentials Credentials { get; } = new();
    public IReadOnlyList<LambdaFunctionProcess> Processes => _processes;

    /// <summary>
    /// Extra environment per function (by Handler), on top of the function's own settings — e.g. the store settings
    /// of <see cref="StoreBackedStack"/>. Null: only the settings the template gives each function.
    /// </summary>
    public Func<string, IReadOnlyDictionary<string, string>>? ExtraEnvironment { get; init; }

    public async Task InitializeAsync()
    {
        // The functions a deploy with default parameters creates (the token service is opt-in: SamlAudience).
        // Publish (or locate) all three first, so a slow first publish does not eat into any runtime's deadline.
        foreach (var function in Template.Functions.Values.Where(f => Template.IsCreated(f.LogicalId)))
            _executables[function.LogicalId] = await PublishedFunctions.GetExecutableAsync(function.CodeUri, function.Handler);

        await StartFunctionsAsync();
    }

    /// <summary>
    /// Kills every function process and starts it again (fresh Runtime API doubles, a fresh gateway stage and so an
    /// empty authorizer cache): what a redeploy or all execution environments recycling looks like. Output of the
    /// killed processes stays in <see cref="Logs"/>.
    /// </summary>
    public async Task RestartFunctionsAsync()
    {
        await StopFunctionsAsync();
        await StartFunctionsAsync();
    }

    private readonly string _stepUpKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private async Task StartFunctionsAsync()
    {
        foreach (var function in Template.Functions.Values.Where(f => Template.IsCreated(f.LogicalId)))
        {
            var runtime = await RuntimeApiDouble.StartAsync();
            _runtimes[function.LogicalId] = runtime;
            // Each function gets its own settings only, as the template's Environment does (TokenAuthorizer__*, …).
            var settings = Credentials.EnvironmentVariables
                .Where(kv => kv.Key.StartsWith(function.Handler + "__", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var (key, value) in ExtraEnvironment?.Invoke(function.Handler) ?? new Dictionary<string, string>())
                settings[key] = value;
            // The template gives the API StepUp__KmsKeyId; without a KMS here, a local key of this stack (kept across restarts).
            if (!settings.ContainsKey("StepUp__KmsKeyId")) settings["StepUp__DevelopmentKey"] = _stepUpKey;
            var process = LambdaFunctionProcess.Start(_executables[function.LogicalId], function.Handler, runtime.Endpoint, settings);
            _processes.Add(process);
        }

        // Init done = the first GET /next; an init error or an exit fails the fixture with the function's output.
        foreach (var (logicalId, runtime) in _runtimes)
        {
            var process = _processes.Single(p => p.Name == Template.Functions[logicalId].Handler);
            var ready = await Task.WhenAny(runtime.FirstNextRequest, runtime.InitError, Task.Delay(TimeSpan.FromSeconds(30)));
            if (ready != runtime.FirstNextRequest)
            {
                var initError = runtime.InitError.IsCompleted ? runtime.InitError.Result.BodyText : "(none)";
                throw new InvalidOperationException(
                    $"{process.Name} did not start polling its Runtime API. init/error: {initError}\noutput:\n{process.Output}");
            }
        }

        Invoker = new LambdaAuthorizerInvoker(Definition.AuthorizerFunctions.ToDictionary(a => a.Key, a => _runtimes[a.Value]));
        Gateway = new GatewayStage(Definition, Invoker,
            new GatewayStageOptions { Region = Region, AccountId = AccountId, ApiId = ApiId, Stage = Definition.StageName },
            TimeProvider.System);
    }

    private async Task StopFunctionsAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
            _retiredOutput.Add($"--- {process.Name} (stopped)\n{process.Output}");
        }
        _processes.Clear();
        foreach (var runtime in _runtimes.Values) await runtime.DisposeAsync();
        _runtimes.Clear();
    }

    public static GatewayRequest ToGatewayRequest(ResolvedCaseRequest request) =>
        GatewayRequest.Create(request.Method, request.Path, request.Headers, request.Query, request.SourceIp);

    /// <summary>
    /// One client request through the stage, in API Gateway's order: method lookup (none → the
    /// MISSING_AUTHENTICATION_TOKEN gateway response), then the route's authorizer (or its cache), then the function.
    /// </summary>
    /// <param name="requestBody">The request body, passed to the function as the proxy event's body (API Gateway does not show it to a TOKEN or REQUEST authorizer).</param>
    public async Task<ClientResponse> SendAsync(GatewayRequest request, string? requestBody = null)
    {
        var outcome = await Gateway.AuthorizeAsync(request);
        if (outcome.Rejection is { } rejection)
            return new ClientResponse(rejection.StatusCode, rejection.ContentType, rejection.Body, outcome.Reason);

        var apiFunction = Definition.RouteFunctions[outcome.Route!];
        var proxyRequest = Gateway.CreateProxyRequest(request, outcome);
        proxyRequest.Body = requestBody;
        var proxyEvent = JsonSerializer.Serialize(proxyRequest, APIGatewayEventsJsonContext.Default.APIGatewayProxyRequest);
        var result = await _runtimes[apiFunction].InvokeAsync(proxyEvent, new RuntimeApiEventOptions
        {
            FunctionArn = $"arn:aws:lambda:{Region}:{AccountId}:function:{apiFunction}",
        });

        // A failed invocation or a malformed proxy response is what API Gateway turns into a 502.
        APIGatewayProxyResponse? response = null;
        if (!result.IsError)
        {
            try { response = JsonSerializer.Deserialize(result.Body, APIGatewayEventsJsonContext.Default.APIGatewayProxyResponse); }
            catch (JsonException) { }
        }
        if (response is null)
            return new ClientResponse(502, GatewayResponse.DefaultContentType, """{"message":"Internal server error"}""", "integration-failure");

        var body = response.IsBase64Encoded && response.Body is not null
            ? Encoding.UTF8.GetString(Convert.FromBase64String(response.Body))
            : response.Body ?? "";
        return new ClientResponse(response.StatusCode == 0 ? 200 : response.StatusCode, ContentTypeOf(response), body, outcome.Reason);
    }

    private static string? ContentTypeOf(APIGatewayProxyResponse response)
    {
        if (response.MultiValueHeaders is { } multi)
            foreach (var (name, values) in multi)
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && values.Count > 0) return values[0];
        if (response.Headers is { } single)
            foreach (var (name, value) in single)
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    /// <summary>A hand-built REST proxy event straight to the API function, as a misrouted or forged event would arrive.</summary>
    public async Task<(int Status, string Body)> InvokeApiAsync(APIGatewayProxyRequest proxyEvent)
    {
        var json = JsonSerializer.Serialize(proxyEvent, APIGatewayEventsJsonContext.Default.APIGatewayProxyRequest);
        var result = await _runtimes["ApiFunction"].InvokeAsync(json, new RuntimeApiEventOptions());
        if (result.IsError) return (502, result.BodyText);
        var response = JsonSerializer.Deserialize(result.Body, APIGatewayEventsJsonContext.Default.APIGatewayProxyResponse)!;
        return (response.StatusCode, response.Body ?? "");
    }

    /// <summary>All function output so far, for failure messages and "never logs a secret" checks.</summary>
    public string Logs => string.Join("\n", _retiredOutput.Concat(_processes.Select(p => $"--- {p.Name}\n{p.Output}")));

    public Task DisposeAsync() => StopFunctionsAsync();
}

[CollectionDefinition(Name)]
public sealed class DeployedStackCollection : ICollectionFixture<DeployedStack>
{
    public const string Name = "Deployed stack";
}
