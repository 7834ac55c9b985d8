using System.Text;
using System.Text.Json;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.Serialization;

namespace SecureApi.Lambda.Tests;

public sealed class SourceGeneratorLambdaJsonSerializerTests
{
    private static readonly SourceGeneratorLambdaJsonSerializer<APIGatewayEventsJsonContext> Serializer = new();

    [Fact]
    public void Authorizer_response_uses_principalId_context_and_PascalCase_policy_names()
    {
        var response = new APIGatewayCustomAuthorizerResponse
        {
            PrincipalID = "user-1",
            PolicyDocument = new APIGatewayCustomAuthorizerPolicy
            {
                Statement =
                [
                    new() { Effect = "Allow", Action = ["execute-api:Invoke"], Resource = ["arn:aws:execute-api:us-east-1:123456789012:abc/Prod/GET/protected"] },
                ],
            },
            Context = new APIGatewayCustomAuthorizerContextOutput { ["role"] = "admin", ["permissions"] = "read,write" },
        };

        using var json = JsonDocument.Parse(Write(response));
        var root = json.RootElement;
        Assert.Equal("user-1", root.GetProperty("principalId").GetString());
        Assert.Equal("2012-10-17", root.GetProperty("policyDocument").GetProperty("Version").GetString());
        var statement = root.GetProperty("policyDocument").GetProperty("Statement")[0];
        Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
        Assert.Equal("execute-api:Invoke", statement.GetProperty("Action")[0].GetString());
        Assert.Equal("arn:aws:execute-api:us-east-1:123456789012:abc/Prod/GET/protected", statement.GetProperty("Resource")[0].GetString());
        Assert.False(statement.TryGetProperty("NotResource", out _));
        Assert.False(root.TryGetProperty("usageIdentifierKey", out _));
        Assert.Equal("admin", root.GetProperty("context").GetProperty("role").GetString());
    }

    [Fact]
    public void Proxy_request_with_null_maps_round_trips()
    {
        const string eventJson = """
            {"resource":"/{proxy+}","path":"/protected","httpMethod":"GET","headers":null,"multiValueHeaders":null,
             "queryStringParameters":null,"multiValueQueryStringParameters":null,"pathParameters":null,"stageVariables":null,
             "requestContext":{"stage":"Prod","identity":{"sourceIp":"203.0.113.9"},"authorizer":{"principalId":"user-1","integrationLatency":12}},
             "body":null,"isBase64Encoded":false}
            """;

        var request = Read<APIGatewayProxyRequest>(eventJson);
        var written = Write(request);
        var again = Read<APIGatewayProxyRequest>(written);

        Assert.Equal("/protected", again.Path);
        Assert.Equal("GET", again.HttpMethod);
        Assert.Null(again.Headers);
        Assert.Null(again.MultiValueQueryStringParameters);
        Assert.Null(again.Body);
        Assert.Equal("203.0.113.9", again.RequestContext?.Identity?.SourceIp);
        Assert.Equal("user-1", again.RequestContext?.Authorizer?.PrincipalId);
        Assert.Equal("12", again.RequestContext?.Authorizer?.GetString("integrationLatency"));
        Assert.DoesNotContain("null", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Authorizer_context_values_arrive_as_the_local_stage_gives_them_and_write_back_unchanged()
    {
        const string authorizer = """{"principalId":"user-1","integrationLatency":12,"ratio":1.50,"big":1e3,"zero":-0,"admin":true,"none":null,"claims":{"sub":"u1"},"groups":["a"],"principalId":"user-2"}""";

        var context = Read<APIGatewayCustomAuthorizerContext>(authorizer);

        Assert.Equal("user-2", Assert.IsType<string>(context["principalId"])); // a repeated key: the last one wins
        Assert.Equal(12L, Assert.IsType<long>(context["integrationLatency"]));
        Assert.True(Assert.IsType<bool>(context["admin"]));
        Assert.Null(context["none"]);
        Assert.Equal("1.50", context.GetString("ratio")); // numbers that are not plain integers keep their text
        Assert.Equal("1e3", context.GetString("big"));
        Assert.Equal("-0", context.GetString("zero"));
        Assert.Equal("12", context.GetString("integrationLatency"));
        Assert.Equal("true", context.GetString("admin"));
        Assert.Null(context.GetString("none"));
        Assert.Equal("u1", Assert.IsType<JsonElement>(context["claims"]).GetProperty("sub").GetString());
        Assert.Equal(JsonValueKind.Array, Assert.IsType<JsonElement>(context["groups"]).ValueKind);
        Assert.Equal("""{"principalId":"user-2","integrationLatency":12,"ratio":1.50,"big":1e3,"zero":-0,"admin":true,"none":null,"claims":{"sub":"u1"},"groups":["a"]}""", Write(context));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("12")]
    public void An_authorizer_block_that_is_not_an_object_is_refused(string authorizer) =>
        Assert.ThrowsAny<JsonException>(() => Read<APIGatewayCustomAuthorizerContext>(authorizer));

    [Fact]
    public void Reads_are_case_insensitive_and_writes_use_camelCase()
    {
        var request = Read<APIGatewayCustomAuthorizerRequest>(
            """{"TYPE":"TOKEN","AuthorizationToken":"Bearer abc","methodarn":"arn:aws:execute-api:us-east-1:1:a/Prod/GET/x"}""");

        Assert.Equal("TOKEN", request.Type);
        Assert.Equal("Bearer abc", request.AuthorizationToken);
        Assert.Equal("arn:aws:execute-api:us-east-1:1:a/Prod/GET/x", request.MethodArn);
        Assert.Equal("""{"statusCode":200,"body":"ok","isBase64Encoded":false}""",
            Write(new APIGatewayProxyResponse { StatusCode = 200, Body = "ok" }));
    }

    [Fact]
    public void Output_is_not_over_escaped()
    {
        var written = Write(new APIGatewayProxyResponse { StatusCode = 200, Body = "<a href='x'>+&</a>" });

        Assert.Contains("<a href='x'>+&</a>", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_event_error_names_type_and_position_but_never_echoes_the_event()
    {
        var thrown = Assert.Throws<JsonSerializerException>(() => Read<APIGatewayCustomAuthorizerRequest>(
            """{"type":"TOKEN","authorizationToken":Bearer-secret-token-value}"""));

        Assert.IsAssignableFrom<JsonException>(thrown);
        Assert.Contains("APIGatewayCustomAuthorizerRequest", thrown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", thrown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_missing_from_the_context_is_a_clear_error()
    {
        var thrown = Assert.Throws<JsonException>(() => Serializer.Deserialize<Uri>(new MemoryStream("{}"u8.ToArray())));

        Assert.Contains("not registered on APIGatewayEventsJsonContext", thrown.Message, StringComparison.Ordinal);
    }

    private static T Read<T>(string json) => Serializer.Deserialize<T>(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    private static string Write<T>(T value)
    {
        using var stream = new MemoryStream();
        Serializer.Serialize(value, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
