using SecureApi.AuthorizerContract;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>Both functions through the real runtime loop against the loopback Runtime API double.</summary>
public sealed class FunctionLoopTests : IDisposable
{
    private readonly TokenFactory _tokens = new();
    private readonly StringWriter _log = new();

    public void Dispose() => _tokens.Dispose();

    private static IConfiguration Config(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static string TokenEvent(string authorization, string arn = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod/GET/protected") =>
        $$"""{"type":"TOKEN","authorizationToken":"{{authorization}}","methodArn":"{{arn}}"}""";

    [Fact]
    public async Task Token_function_answers_allow_with_policy_and_Unauthorized_as_the_exact_error_message()
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        var config = Config(new()
        {
            ["TokenAuthorizer:Issuer"] = _tokens.Issuer, ["TokenAuthorizer:Audiences"] = _tokens.Audience, ["TokenAuthorizer:Jwks"] = _tokens.Jwks(),
        });
        using var function = AuthorizerFunctions.CreateTokenFunction(config, _log, runtime.Endpoint);
        using var stop = new CancellationTokenSource();
        var loop = function.RunToExitCodeAsync(stop.Token);

        var token = _tokens.Create();
        var allowed = await runtime.InvokeAsync(TokenEvent("Bearer " + token));
        var rejected = await runtime.InvokeAsync(TokenEvent("Bearer " + token[..^4]));
        runtime.Shutdown();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(allowed.IsError);
        using var response = JsonDocument.Parse(allowed.Body);
        Assert.Equal("default:user-1", response.RootElement.GetProperty("principalId").GetString());
        Assert.Equal("2012-10-17", response.RootElement.GetProperty("policyDocument").GetProperty("Version").GetString());
        Assert.Equal(RouteRules.Default.Rules.Count, response.RootElement.GetProperty("policyDocument").GetProperty("Statement").GetArrayLength());
        Assert.Equal("jwt", response.RootElement.GetProperty("context").GetProperty("authType").GetString());

        Assert.True(rejected.IsError);
        using var error = JsonDocument.Parse(rejected.Body);
        Assert.Equal("Unauthorized", error.RootElement.GetProperty("errorMessage").GetString());
        Assert.DoesNotContain(token[..40], _log.ToString());
        Assert.Equal(2, _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static string RequestEvent(string arn, string credentials) =>
        "{\"type\":\"REQUEST\",\"methodArn\":\"" + arn + "\"," + credentials + ",\"requestContext\":{\"identity\":{\"sourceIp\":\"198.51.100.1\"}}}";

    [Fact]
    public async Task Request_function_answers_allow_and_Unauthorized()
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        var config = Config(new()
        {
            ["RequestAuthorizer:ApiKeys"] = $$"""[{"sha256":"{{RequestAuthorizerTests.Sha256Hex("secret-key")}}","principalId":"api-key-user","role":"admin","permissions":"read,write"}]""",
        });
        using var function = AuthorizerFunctions.CreateRequestFunction(config, _log, runtime.Endpoint);
        var loop = function.RunToExitCodeAsync();

        const string arn = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod/GET/protected/admin";
        var allowed = await runtime.InvokeAsync(RequestEvent(arn, "\"queryStringParameters\":{\"api_key\":\"secret-key\"}"));
        var rejected = await runtime.InvokeAsync(RequestEvent(arn, "\"headers\":{\"X-Forwarded-For\":\"10.0.0.1\"}"));
        var garbage = await runtime.InvokeAsync("""{"type":"REQUEST","methodArn":42}""");
        runtime.Shutdown();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(allowed.IsError);
        using var response = JsonDocument.Parse(allowed.Body);
        Assert.Equal("api-key-user", response.RootElement.GetProperty("principalId").GetString());
        Assert.Equal("198.51.100.1", response.RootElement.GetProperty("context").GetProperty("sourceIp").GetString());
        Assert.True(rejected.IsError);
        Assert.Equal("Unauthorized", JsonDocument.Parse(rejected.Body).RootElement.GetProperty("errorMessage").GetString());
        Assert.True(garbage.IsError); // undeserializable event: an invocation error, never an Allow
        Assert.DoesNotContain("secret-key", _log.ToString());
    }

    public static TheoryData<string, Dictionary<string, string?>, string> BadConfigs => new()
    {
        { "token", new() { ["TokenAuthorizer:Audiences"] = "a", ["TokenAuthorizer:JwksUri"] = "https://idp.example/jwks" }, "TokenAuthorizer__Issuer is required" },
        { "request", new() { ["RequestAuthorizer:ApiKeys"] = "plain-text-key" }, "RequestAuthorizer__ApiKeys is not a JSON array" },
        { "request", new(), "Nothing would be admitted" },
        { "request", new() { ["AuthorizationStore:ServiceUrl"] = "http://127.0.0.1:8000" }, "AuthorizationStore__ServiceUrl is set but AuthorizationStore__TableName is not" },
        { "token", new() { ["TokenAuthorizer:Audiences"] = "a", ["AuthorizationStore:TableName"] = "x" }, "AuthorizationStore__TableName must be" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public async Task Bad_configuration_fails_init_with_a_clear_message_and_non_zero_exit(string kind, Dictionary<string, string?> values, string expected)
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        using var function = kind == "token"
            ? AuthorizerFunctions.CreateTokenFunction(Config(values), _log, runtime.Endpoint)
            : AuthorizerFunctions.CreateRequestFunction(Config(values), _log, runtime.Endpoint);

        var exitCode = await function.RunToExitCodeAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var initError = await runtime.InitError.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, exitCode);
        Assert.Contains(expected, JsonDocument.Parse(initError.Body).RootElement.GetProperty("errorMessage").GetString());
        Assert.DoesNotContain("plain-text-key", initError.BodyText);
        Assert.Equal(0, runtime.NextRequestCount);
    }
}
