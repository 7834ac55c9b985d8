using System.Text.Json;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// The built API as a Lambda function (Runtime API double) with a small default plan: on Lambda the public
/// partition is the event's requestContext.identity.sourceIp, and the RateLimit fields reach the proxy response.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LambdaRateLimitTests : IAsyncLifetime
{
    private RuntimeApiDouble _runtimeApi = null!;
    private LambdaFunctionProcess? _process;

    public async Task InitializeAsync()
    {
        _runtimeApi = await RuntimeApiDouble.StartAsync();
        _process = LambdaFunctionProcess.StartAssembly("SecureApi", _runtimeApi.Endpoint, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["RateLimits__DefaultPlan__RatePerSecond"] = "1",
            ["RateLimits__DefaultPlan__Burst"] = "1",
            ["RateLimits__DefaultPlan__Quota"] = "2",
            // Outside Development the API needs a key for TOTP secrets (docs/step-up.md); a throw-away one here.
            ["StepUp__DevelopmentKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        });
    }

    public async Task DisposeAsync()
    {
        _process?.Dispose();
        await _runtimeApi.DisposeAsync();
    }

    private async Task<(int Status, JsonElement Headers)> PublicAsync(string sourceIp, APIGatewayCustomAuthorizerContext? authorizer = null)
    {
        var proxy = new APIGatewayProxyRequest
        {
            Resource = "/public",
            Path = "/public",
            HttpMethod = "GET",
            RequestContext = new APIGatewayProxyRequest.ProxyRequestContext
            {
                Stage = "prod",
                RequestId = Guid.NewGuid().ToString(),
                Identity = new APIGatewayProxyRequest.RequestIdentity { SourceIp = sourceIp },
                Authorizer = authorizer,
            },
        };
        var result = await _runtimeApi.InvokeAsync(JsonSerializer.Serialize(proxy, APIGatewayEventsJsonContext.Default.APIGatewayProxyRequest),
            new RuntimeApiEventOptions { RequestId = Guid.NewGuid().ToString() }, TimeSpan.FromSeconds(60));
        Assert.False(result.IsError, result.BodyText);
        var response = JsonDocument.Parse(result.BodyText).RootElement;
        var headers = response.TryGetProperty("multiValueHeaders", out var multi) && multi.ValueKind == JsonValueKind.Object ? multi : response.GetProperty("headers");
        return (response.GetProperty("statusCode").GetInt32(), headers.Clone());
    }

    private static string Header(JsonElement headers, string name)
    {
        foreach (var h in headers.EnumerateObject())
            if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
                return h.Value.ValueKind == JsonValueKind.Array ? h.Value[0].GetString()! : h.Value.GetString()!;
        return "";
    }

    [Fact]
    public async Task On_lambda_each_source_ip_of_the_event_has_its_own_quota_and_sees_the_ratelimit_fields()
    {
        var first = await PublicAsync("198.51.100.30");
        var other = await PublicAsync("198.51.100.31");

        Assert.Equal(200, first.Status);
        Assert.Equal(200, other.Status);
        Assert.Equal("\"burst\";q=1;w=1, \"quota\";q=2;w=86400", Header(first.Headers, "RateLimit-Policy"));
        Assert.StartsWith("\"burst\";r=0;", Header(first.Headers, "RateLimit"));
        Assert.Contains("\"quota\";r=1;", Header(other.Headers, "RateLimit"));
    }

    [Fact]
    public async Task On_lambda_a_public_request_is_counted_by_source_ip_when_the_scheme_refuses_its_authorizer_context()
    {
        // The hosting makes this context an authenticated User (docs/wire-contracts.md §2.9); the scheme refuses it
        // (its token expired), so the partition is the address, not the context's principalId.
        var refused = new APIGatewayCustomAuthorizerContext { ["principalId"] = "expired-caller", ["expiresAt"] = "1" };

        var first = await PublicAsync("198.51.100.40", refused);
        var second = await PublicAsync("198.51.100.41", refused);

        Assert.Equal((200, 200), (first.Status, second.Status));
        Assert.Contains("\"quota\";r=1;", Header(second.Headers, "RateLimit")); // the second address's own first request
    }
}
