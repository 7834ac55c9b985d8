using System.Text.Json;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// REST proxy events, with requestContext.authorizer as API Gateway sends it, through the hosting layer
/// (AddLambdaHosting in a real Lambda-mode process) to the same endpoints: the same answers as on Kestrel.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LambdaHostingTests(LambdaFunctionFixture function) : IClassFixture<LambdaFunctionFixture>
{
    public static TheoryData<string> Cases => new(GatewayCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Lambda_function_behind_the_gateway_core_answers_as_the_gateway_matrix_says(string name)
    {
        var row = GatewayCases.Named(name);

        var (status, body) = await function.SendThroughGatewayAsync(row.Request);

        Assert.Empty(row.Check(status, body));
    }

    [Fact]
    public async Task Token_authorizer_context_becomes_the_caller_of_protected_data()
    {
        var (status, body, requestId) = await function.InvokeAsync(Event("/protected", """
            {"principalId":"user-1","integrationLatency":12,"role":"user","permissions":"read","authType":"jwt"}
            """));

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        var user = json.RootElement.GetProperty("user");
        Assert.Equal("user-1", user.GetProperty("principalId").GetString());
        Assert.Equal("user", user.GetProperty("role").GetString());
        Assert.Equal(["read"], user.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("jwt", user.GetProperty("authType").GetString());
        Assert.Equal("198.51.100.10", user.GetProperty("sourceIp").GetString());
        Assert.Equal(requestId, json.RootElement.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Request_authorizer_context_reaches_admin_data()
    {
        var (status, body, _) = await function.InvokeAsync(Event("/protected/admin", """
            {"principalId":"api-key-user","integrationLatency":3,"role":"admin","permissions":"read,write","authType":"api-key","sourceIp":"198.51.100.10"}
            """));

        Assert.Equal(200, status);
        Assert.Contains("\"adminData\"", body);
    }

    public static TheoryData<string, string, int> RejectedContexts => new()
    {
        { "/protected", "null", 401 },
        { "/protected", "{}", 401 },
        { "/protected", """{"integrationLatency":5,"role":"admin","permissions":"read"}""", 401 },
        { "/protected", """{"principalId":"","role":"admin","permissions":"read"}""", 401 },
        { "/protected", """{"principalId":"writer","integrationLatency":5,"role":"user","permissions":"write"}""", 403 },
        { "/protected/admin", "null", 401 },
        { "/protected/admin", """{"principalId":"reader","integrationLatency":5,"role":"user","permissions":"read"}""", 403 },
    };

    [Theory]
    [MemberData(nameof(RejectedContexts))]
    public async Task Protected_route_rechecks_the_authorizer_context_and_answers_problem_details(string path, string authorizer, int expected)
    {
        var (status, body, requestId) = await function.InvokeAsync(Event(path, authorizer));

        Assert.Equal(expected, status);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(expected, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(requestId, problem.RootElement.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Authorizer_context_the_scheme_refuses_is_refused_although_the_hosting_makes_it_an_authenticated_user()
    {
        // Everything admin data needs, but the token behind it has expired (a cached gateway decision): the hosting
        // still builds an authenticated User from it (docs/wire-contracts.md §2.9); SecureApi's policies name the
        // ApiGatewayAuthorizer scheme, which refuses it, so that User never reaches the route rule.
        var (status, body, _) = await function.InvokeAsync(Event("/protected/admin", """
            {"principalId":"api-key-user","integrationLatency":3,"role":"admin","permissions":"read,write","authType":"api-key","expiresAt":"1"}
            """));

        Assert.Equal(401, status);
        Assert.DoesNotContain("adminData", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identity_claimed_in_request_headers_is_never_trusted()
    {
        var headers = """{"role":"admin","X-Forwarded-For":"10.0.0.1","X-User-Id":"root"}""";

        var (status, _, _) = await function.InvokeAsync(Event("/protected/admin",
            """{"principalId":"reader","integrationLatency":5,"role":"user","permissions":"read"}""", headers));

        Assert.Equal(403, status);
    }

    [Fact]
    public async Task Public_route_reports_the_lambda_request_id()
    {
        var (status, body, requestId) = await function.InvokeAsync(Event("/public", "null"));

        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(requestId, json.RootElement.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem_details()
    {
        var (status, body, _) = await function.InvokeAsync(Event("/nothing-here", "null"));

        Assert.Equal(404, status);
        Assert.Contains("\"status\":404", body);
    }

    /// <summary>A REST v1 proxy event shaped like API Gateway's (stage prod, source IP 198.51.100.10).</summary>
    private static string Event(string path, string authorizer, string headers = """{"Accept":"application/json"}""") => $$"""
        {
          "resource": "{{path}}",
          "path": "{{path}}",
          "httpMethod": "GET",
          "headers": {{headers}},
          "multiValueHeaders": null,
          "queryStringParameters": null,
          "multiValueQueryStringParameters": null,
          "pathParameters": null,
          "stageVariables": null,
          "requestContext": {
            "resourcePath": "{{path}}",
            "httpMethod": "GET",
            "path": "/prod{{path}}",
            "accountId": "123456789012",
            "apiId": "abcdef1234",
            "stage": "prod",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "protocol": "HTTP/1.1",
            "identity": { "sourceIp": "198.51.100.10", "userAgent": "curl/8.0" },
            "authorizer": {{authorizer}}
          },
          "body": null,
          "isBase64Encoded": false
        }
        """;
}
