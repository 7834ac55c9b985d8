using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SecureApi.Authorizers;
using SecureApi.LocalGateway;
using SecureApi.LocalGateway.Template;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// The built SecureApi as a Lambda function: a child process with AWS_LAMBDA_FUNCTION_NAME set (AddLambdaHosting
/// replaces Kestrel) pulling REST proxy events from a loopback Runtime API double. In front of it, the gateway
/// core with the in-process authorizers, so shared gateway rows can be replayed as API Gateway would send them.
/// </summary>
public sealed class LambdaFunctionFixture : IAsyncLifetime
{
    private LambdaFunctionProcess? _process;

    public RuntimeApiDouble RuntimeApi { get; private set; } = null!;
    public GatewayTestCredentials Credentials { get; } = new();
    public GatewayStage Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        RuntimeApi = await RuntimeApiDouble.StartAsync();
        _process = LambdaFunctionProcess.StartAssembly("SecureApi", RuntimeApi.Endpoint, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            // A default plan the shared rows never reach (they replay many requests per caller within seconds).
            ["RateLimits__DefaultPlan__RatePerSecond"] = "100000",
            ["RateLimits__DefaultPlan__Burst"] = "1000000",
            ["RateLimits__DefaultPlan__Quota"] = "1000000000",
            // Outside Development the API needs a key for TOTP secrets (docs/step-up.md); a throw-away one here.
            ["StepUp__DevelopmentKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        });

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Credentials.Configuration).Build();
        var tokenAuthorizer = new TokenAuthorizer(TokenAuthorizerOptions.FromConfiguration(configuration.GetSection(TokenAuthorizerOptions.SectionName)));
        var invoker = new InProcessAuthorizerInvoker(() => tokenAuthorizer,
            new RequestAuthorizer(RequestAuthorizerOptions.FromConfiguration(configuration.GetSection(RequestAuthorizerOptions.SectionName))));
        var definition = ServerlessTemplateReader.Load(RepositoryRoot.TemplatePath);
        Gateway = new GatewayStage(definition, invoker, new GatewayStageOptions { Stage = definition.StageName }, TimeProvider.System);
    }

    /// <summary>Invokes the function with one proxy event (JSON); returns the proxy response's status and body.</summary>
    public async Task<(int Status, string Body, string RequestId)> InvokeAsync(string eventJson)
    {
        var requestId = Guid.NewGuid().ToString();
        var result = await RuntimeApi.InvokeAsync(eventJson, new RuntimeApiEventOptions { RequestId = requestId }, TimeSpan.FromSeconds(60));
        Assert.False(result.IsError, "the invocation failed: " + result.BodyText);
        using var response = JsonDocument.Parse(result.BodyText);
        return (response.RootElement.GetProperty("statusCode").GetInt32(), response.RootElement.GetProperty("body").GetString() ?? "", requestId);
    }

    /// <summary>A shared row through the gateway core and, when it passes, through the function.</summary>
    public async Task<(int Status, string Body)> SendThroughGatewayAsync(CaseRequest request)
    {
        var resolved = request.Resolve(Credentials);
        var gatewayRequest = GatewayRequest.Create(resolved.Method, resolved.Path, resolved.Headers, resolved.Query, resolved.SourceIp);
        var outcome = await Gateway.AuthorizeAsync(gatewayRequest);
        if (outcome.Rejection is { } rejection) return (rejection.StatusCode, rejection.Body);
        var proxy = Gateway.CreateProxyRequest(gatewayRequest, outcome);
        var (status, body, _) = await InvokeAsync(JsonSerializer.Serialize(proxy, APIGatewayEventsJsonContext.Default.APIGatewayProxyRequest));
        return (status, body);
    }

    public async Task DisposeAsync()
    {
        _process?.Dispose();
        await RuntimeApi.DisposeAsync();
    }
}
