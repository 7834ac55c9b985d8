using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Authorizers.Tests;

/// <summary>API Gateway events as the tests need them.</summary>
internal static class Events
{
    public const string StagePrefix = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod/";
    public const string ProtectedArn = StagePrefix + "GET/protected";
    public const string AdminArn = StagePrefix + "GET/protected/admin";

    public static APIGatewayCustomAuthorizerRequest Token(string? authorization, string methodArn = ProtectedArn) =>
        new() { Type = "TOKEN", AuthorizationToken = authorization, MethodArn = methodArn };

    public static APIGatewayCustomAuthorizerRequest Request(
        string sourceIp = "203.0.113.9",
        Dictionary<string, string>? headers = null,
        Dictionary<string, string>? query = null,
        Dictionary<string, IList<string>>? multiHeaders = null,
        Dictionary<string, IList<string>>? multiQuery = null,
        string methodArn = ProtectedArn) => new()
    {
        Type = "REQUEST",
        MethodArn = methodArn,
        HttpMethod = "GET",
        Headers = headers,
        MultiValueHeaders = multiHeaders,
        QueryStringParameters = query,
        MultiValueQueryStringParameters = multiQuery,
        RequestContext = new APIGatewayProxyRequest.ProxyRequestContext
        {
            Identity = new APIGatewayProxyRequest.RequestIdentity { SourceIp = sourceIp },
        },
    };

    public static Dictionary<string, string> Effects(AuthorizerDecision d) =>
        d.Response!.PolicyDocument!.Statement.ToDictionary(s => s.Resource!.Single(), s => s.Effect);
}
