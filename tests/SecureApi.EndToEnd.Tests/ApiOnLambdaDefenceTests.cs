using System.Text.Json;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// The published API function answering hand-built proxy events: what it does when API Gateway's routing or the
/// authorizer context is not what the template promises (a {proxy+} or ANY method someone adds, a sloppy custom
/// authorizer), and what it never logs.
/// </summary>
[Trait("Category", "Integration")] // publishes and starts the functions (Native AOT)
[Collection(DeployedStackCollection.Name)]
public sealed class ApiOnLambdaDefenceTests(DeployedStack stack)
{
    private static APIGatewayProxyRequest Event(string method, string resource, string path, Dictionary<string, object?>? authorizer,
        Dictionary<string, string>? query = null) => new()
    {
        HttpMethod = method,
        Resource = resource,
        Path = path,
        QueryStringParameters = query,
        MultiValueQueryStringParameters = query?.ToDictionary(kv => kv.Key, kv => (IList<string>)[kv.Value]),
        RequestContext = new APIGatewayProxyRequest.ProxyRequestContext
        {
            Stage = "prod", RequestId = Guid.NewGuid().ToString(), ResourcePath = resource, HttpMethod = method, Path = "/prod" + path,
            Identity = new APIGatewayProxyRequest.RequestIdentity { SourceIp = "203.0.113.5" },
            Authorizer = authorizer is null ? null : Context(authorizer),
        },
    };

    private static APIGatewayCustomAuthorizerContext Context(Dictionary<string, object?> values)
    {
        var context = new APIGatewayCustomAuthorizerContext();
        foreach (var (key, value) in values) context[key] = value;
        return context;
    }

    private static Dictionary<string, object?> Admin(string role = "admin") => new()
    {
        ["principalId"] = "someone", ["role"] = role, ["permissions"] = "read", ["authType"] = "api-key",
    };

    public static TheoryData<string, string, string> MisroutedEvents() => new()
    {
        // resource API Gateway authorized, method, path the app would route
        { "/public", "GET", "/protected/admin" },
        { "/protected", "GET", "/protected/admin" },
        { "/{proxy+}", "GET", "/protected/admin" },
        { "/protected/admin/principals/{principalId}", "GET", "/protected/admin" },
    };

    [Theory]
    [MemberData(nameof(MisroutedEvents))]
    public async Task A_protected_endpoint_runs_only_for_the_route_its_authorizer_ran_for(string resource, string method, string path)
    {
        var (status, body) = await stack.InvokeApiAsync(Event(method, resource, path, Admin()));

        Assert.Equal(404, status);
        Assert.DoesNotContain("adminData", body);
    }

    [Fact]
    public async Task The_same_event_on_its_own_route_is_served()
    {
        var (status, body) = await stack.InvokeApiAsync(Event("GET", "/protected/admin", "/protected/admin", Admin()));

        Assert.Equal(200, status);
        Assert.Contains("adminData", body);
    }

    [Theory]
    [InlineData(" admin")]
    [InlineData("admin ")]
    [InlineData("Admin")]
    [InlineData("ADMIN")]
    public async Task Context_roles_match_exactly_without_trimming_or_case_folding(string role)
    {
        var (status, _) = await stack.InvokeApiAsync(Event("GET", "/protected/admin", "/protected/admin", Admin(role)));

        Assert.Equal(403, status);
    }

    [Fact]
    public async Task No_credential_reaches_the_log_even_at_trace_level_without_appsettings_beside_the_binary()
    {
        var workingDirectory = Directory.CreateTempSubdirectory("secureapi-cwd-").FullName;
        await using var runtime = await RuntimeApiDouble.StartAsync();
        using var process = LambdaFunctionProcess.Start(stack.Executables["ApiFunction"], "SecureApi", runtime.Endpoint,
            new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Trace",
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
                // Outside Development the API needs a key for TOTP secrets (docs/step-up.md); a throw-away one here.
                ["StepUp__DevelopmentKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            },
            workingDirectory: workingDirectory);
        const string key = "sapi_never-log-this-key-0123456789";
        var proxyEvent = Event("GET", "/protected/admin", "/protected/admin", Admin(), new() { ["api_key"] = key });

        var result = await runtime.InvokeAsync(JsonSerializer.Serialize(proxyEvent, APIGatewayEventsJsonContext.Default.APIGatewayProxyRequest));
        runtime.Shutdown();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(result.IsError, result.BodyText);
        Assert.Contains("Microsoft.AspNetCore", process.Output); // framework logging was on at Trace
        Assert.DoesNotContain(key, process.Output);
        Directory.Delete(workingDirectory, recursive: true);
    }
}
