using System.Diagnostics;
using System.Text.Json;
using SecureApi.AuthorizationStore;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>
/// The real function executables (Program.cs: settings from TokenAuthorizer__* / RequestAuthorizer__* environment
/// variables, decision line on stdout, exit code) as child processes against the loopback Runtime API double.
/// </summary>
[Trait("Category", "Integration")] // starts a process or a moto server
public sealed class FunctionProcessTests : IDisposable
{
    private readonly TokenFactory _tokens = new();

    public void Dispose() => _tokens.Dispose();

    private static LambdaFunctionProcess Start(string assembly, RuntimeApiDouble runtime, Dictionary<string, string> environment) =>
        LambdaFunctionProcess.StartAssembly(assembly, runtime.Endpoint, environment);

    [Fact]
    public async Task Token_function_process_reads_its_settings_from_environment_and_logs_one_line_per_decision()
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        using var process = Start("TokenAuthorizer", runtime, new()
        {
            ["TokenAuthorizer__Issuer"] = _tokens.Issuer, ["TokenAuthorizer__Audiences"] = _tokens.Audience, ["TokenAuthorizer__Jwks"] = _tokens.Jwks(),
        });
        var token = _tokens.Create();
        const string arn = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod/GET/protected";
        var allowed = await runtime.InvokeAsync($$"""{"type":"TOKEN","authorizationToken":"Bearer {{token}}","methodArn":"{{arn}}"}""");
        var rejected = await runtime.InvokeAsync($$"""{"type":"TOKEN","authorizationToken":"Bearer {{token}}x","methodArn":"{{arn}}"}""");
        runtime.Shutdown();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.False(allowed.IsError);
        Assert.Equal("default:user-1", JsonDocument.Parse(allowed.Body).RootElement.GetProperty("principalId").GetString());
        Assert.True(rejected.IsError);
        Assert.Equal("Unauthorized", JsonDocument.Parse(rejected.Body).RootElement.GetProperty("errorMessage").GetString());
        var output = process.Output;
        Assert.Contains("\"outcome\":\"Allow\"", output);
        Assert.Contains("\"outcome\":\"Unauthorized\"", output);
        Assert.DoesNotContain(token.Split('.')[1], output);
        Assert.DoesNotContain(token.Split('.')[2][..20], output);
    }

    private static string KeyEvent(string arn, string key) =>
        "{\"type\":\"REQUEST\",\"methodArn\":\"" + arn + "\",\"queryStringParameters\":{\"api_key\":\"" + key + "\"},\"requestContext\":{\"identity\":{\"sourceIp\":\"198.51.100.1\"}}}";

    [Fact]
    public async Task Request_function_process_admits_a_key_stored_in_the_DynamoDB_table_it_is_given()
    {
        await using var dynamo = await DynamoDbCompatibleServer.StartAsync();
        var options = new AuthorizationStoreOptions { TableName = DynamoDbServerFixture.NewTableName(), ServiceUrl = dynamo.ServiceUrl, Region = DynamoDbCompatibleServer.Region, TimeoutMilliseconds = 5000 };
        using (var store = await DynamoDbServerFixture.NewStoreAsync(options, TimeProvider.System))
            await StoreData.AddKeyAsync(store, "ops-bot", "key-1", "stored-process-key", roles: ["admin"]);
        await using var runtime = await RuntimeApiDouble.StartAsync();
        var environment = dynamo.ClientEnvironment.ToDictionary();
        environment["AuthorizationStore__TableName"] = options.TableName!;
        // A JIT-run process's first SDK call (JIT of the AWS SDK) can pass the default 1 s store budget on a loaded
        // host and fail closed; this test is about where the key comes from, so the budget is generous.
        environment["AuthorizationStore__TimeoutMilliseconds"] = "30000";
        using var process = Start("RequestAuthorizer", runtime, environment); // no RequestAuthorizer__* seed at all
        const string arn = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod/GET/protected/admin";
        var allowed = await runtime.InvokeAsync(KeyEvent(arn, "stored-process-key"));
        var unknown = await runtime.InvokeAsync(KeyEvent(arn, "unknown-key"));
        runtime.Shutdown();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.False(allowed.IsError, allowed.BodyText);
        using var response = JsonDocument.Parse(allowed.Body);
        Assert.Equal("ops-bot", response.RootElement.GetProperty("principalId").GetString());
        Assert.Equal("key-1", response.RootElement.GetProperty("context").GetProperty("keyId").GetString());
        Assert.True(unknown.IsError);
        var output = process.Output;
        Assert.DoesNotContain("stored-process-key", output);
        Assert.DoesNotContain(StoreData.Sha256Hex("stored-process-key"), output);
    }

    [Theory]
    [InlineData("TokenAuthorizer", "TokenAuthorizer__Audiences", "secure-api", "TokenAuthorizer__Issuer is required")]
    [InlineData("RequestAuthorizer", "RequestAuthorizer__AllowedCidrs", "10.0.0.1/8", "AllowedCidrs entry 0")]
    public async Task Function_process_with_bad_settings_posts_init_error_and_exits_non_zero(string function, string key, string value, string expected)
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        using var process = Start(function, runtime, new() { [key] = value });
        var initError = await runtime.InitError.WaitAsync(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(expected, JsonDocument.Parse(initError.Body).RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(0, runtime.NextRequestCount);
    }
}
