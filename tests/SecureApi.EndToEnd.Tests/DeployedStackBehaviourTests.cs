using System.Text.Json;
using SecureApi.Gateway;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// What only the deployed shape can show: the gateway and the published functions agreeing on the wire
/// (identity sources, the TOKEN cache, the REQUEST authorizer running uncached, the context the API sees) and the
/// functions' logs staying free of credentials.
/// </summary>
[Collection(DeployedStackCollection.Name)]
public sealed class DeployedStackBehaviourTests(DeployedStack stack)
{
    private static GatewayRequest Get(string path, (string, string)[]? headers = null, (string, string)[]? query = null, string sourceIp = "203.0.113.10") =>
        GatewayRequest.Create("GET", path,
            headers?.Select(h => KeyValuePair.Create(h.Item1, h.Item2)),
            query?.Select(q => KeyValuePair.Create(q.Item1, q.Item2)),
            sourceIp);

    [Fact]
    public async Task Missing_authorization_header_is_unauthorized_without_calling_the_token_authorizer()
    {
        var before = stack.Invoker.Invocations;

        var response = await stack.SendAsync(Get("/protected"));

        Assert.Equal(401, response.StatusCode);
        Assert.Equal("""{"message":"Unauthorized"}""", response.Body);
        Assert.Equal(before, stack.Invoker.Invocations);
    }

    [Fact]
    public async Task Token_result_is_cached_per_authorization_header_and_reused_for_the_next_call()
    {
        var token = stack.Credentials.Tokens.Create(stack.Credentials.Tokens.Claims(sub: "cache-user-" + Guid.NewGuid().ToString("N")));
        var headers = new[] { ("Authorization", "Bearer " + token) };
        var before = stack.Invoker.Invocations;

        var first = await stack.SendAsync(Get("/protected", headers));
        var second = await stack.SendAsync(Get("/protected", headers));

        Assert.Equal((200, 200), (first.StatusCode, second.StatusCode));
        Assert.Equal(("allow", "cache-hit"), (first.GatewayReason, second.GatewayReason));
        Assert.Equal(before + 1, stack.Invoker.Invocations);
    }

    [Fact]
    public async Task Request_authorizer_runs_on_every_call_because_its_ttl_is_zero()
    {
        var query = new[] { ("api_key", stack.Credentials.ApiKey) };
        var before = stack.Invoker.Invocations;

        var first = await stack.SendAsync(Get("/protected/admin", query: query));
        var second = await stack.SendAsync(Get("/protected/admin", query: query));

        Assert.Equal((200, 200), (first.StatusCode, second.StatusCode));
        Assert.Equal(before + 2, stack.Invoker.Invocations);
    }

    [Fact]
    public async Task Api_function_sees_the_authorizer_context_as_api_gateway_delivers_it()
    {
        var token = stack.Credentials.Tokens.Create(stack.Credentials.Tokens.Claims(sub: "context-user", scope: "read write", role: "user"));

        var response = await stack.SendAsync(Get("/protected", [("Authorization", "Bearer " + token)]));

        Assert.Equal(200, response.StatusCode);
        using var body = JsonDocument.Parse(response.Body);
        var user = body.RootElement.GetProperty("user");
        Assert.Equal("context-user", user.GetProperty("principalId").GetString());
        Assert.Equal("user", user.GetProperty("role").GetString());
        Assert.Equal("jwt", user.GetProperty("authType").GetString());
        Assert.Equal(["read", "write"], user.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).Order());
    }

    [Fact]
    public async Task Function_logs_never_contain_a_token_an_api_key_or_a_header_value()
    {
        var token = stack.Credentials.Tokens.Create(stack.Credentials.Tokens.Claims(sub: "log-user"));
        await stack.SendAsync(Get("/protected", [("Authorization", "Bearer " + token)]));
        await stack.SendAsync(Get("/protected/admin", query: [("api_key", stack.Credentials.ApiKey)]));
        await stack.SendAsync(Get("/protected/admin", [("X-Custom-Auth", stack.Credentials.HeaderValue)]));
        await stack.SendAsync(Get("/protected/admin", query: [("api_key", stack.Credentials.ApiKey + "x")]));

        var logs = stack.Logs;
        Assert.DoesNotContain(token, logs);
        Assert.DoesNotContain(token.Split('.')[2], logs);
        Assert.DoesNotContain(stack.Credentials.ApiKey, logs);
        Assert.DoesNotContain(stack.Credentials.HeaderValue, logs);
    }

    [Fact]
    public async Task Every_function_process_stays_up_across_the_suite()
    {
        await stack.SendAsync(Get("/public"));

        Assert.All(stack.Processes, p => Assert.False(p.HasExited, $"{p.Name} exited:\n{p.Output}"));
    }
}
