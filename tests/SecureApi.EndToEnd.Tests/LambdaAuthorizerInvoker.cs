using System.Text.Json;
using SecureApi.LocalGateway;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// Invokes an authorizer the way API Gateway does: the TOKEN/REQUEST event goes to the published function
/// through its Runtime API; an invocation error whose errorMessage is exactly "Unauthorized" is a 401, any other
/// error a failure (AUTHORIZER_FAILURE: 401 by the template), and a response is handed back for the gateway to validate and evaluate.
/// </summary>
public sealed class LambdaAuthorizerInvoker(IReadOnlyDictionary<string, RuntimeApiDouble> functionsByAuthorizer) : IAuthorizerInvoker
{
    private int _invocations;

    /// <summary>How many times an authorizer function was actually called (cache hits and missing sources don't count).</summary>
    public int Invocations => Volatile.Read(ref _invocations);

    public async Task<AuthorizerInvocation> InvokeAsync(AuthorizerDefinition authorizer, APIGatewayCustomAuthorizerRequest request, CancellationToken ct)
    {
        var runtime = functionsByAuthorizer[authorizer.Name];
        Interlocked.Increment(ref _invocations);
        var json = JsonSerializer.Serialize(request, APIGatewayEventsJsonContext.Default.APIGatewayCustomAuthorizerRequest);
        var result = await runtime.InvokeAsync(json, new RuntimeApiEventOptions
        {
            FunctionArn = $"arn:aws:lambda:us-east-1:123456789012:function:{authorizer.Name}",
        }).WaitAsync(ct);

        if (result.IsError)
        {
            return ErrorMessage(result.Body) == "Unauthorized"
                ? AuthorizerInvocation.Unauthorized.Instance
                : new AuthorizerInvocation.Failed(result.Header("Lambda-Runtime-Function-Error-Type") ?? "function error");
        }

        try
        {
            var response = JsonSerializer.Deserialize(result.Body, APIGatewayEventsJsonContext.Default.APIGatewayCustomAuthorizerResponse);
            return response is null ? new AuthorizerInvocation.Failed("null response") : new AuthorizerInvocation.Policy(response);
        }
        catch (JsonException)
        {
            return new AuthorizerInvocation.Failed("response is not an authorizer response");
        }
    }

    private static string? ErrorMessage(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("errorMessage", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
