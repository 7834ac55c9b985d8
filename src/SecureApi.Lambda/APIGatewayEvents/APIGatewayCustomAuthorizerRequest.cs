namespace SecureApi.Lambda.APIGatewayEvents;

/// <summary>
/// The event API Gateway sends a REST API Lambda authorizer. TOKEN events carry only
/// <see cref="Type"/>, <see cref="AuthorizationToken"/> (the whole header value, "Bearer " included)
/// and <see cref="MethodArn"/>; REQUEST events carry the request fields instead of the token.
/// </summary>
public class APIGatewayCustomAuthorizerRequest
{
    public string? Type { get; set; }
    public string? AuthorizationToken { get; set; }

    /// <summary><c>arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}</c>, with the concrete path.</summary>
    public string? MethodArn { get; set; }

    public string? Resource { get; set; }
    public string? Path { get; set; }
    public string? HttpMethod { get; set; }

    /// <summary>Header names keep the case the client sent; look them up case-insensitively.</summary>
    public IDictionary<string, string>? Headers { get; set; }
    public IDictionary<string, IList<string>>? MultiValueHeaders { get; set; }
    public IDictionary<string, string>? QueryStringParameters { get; set; }
    public IDictionary<string, IList<string>>? MultiValueQueryStringParameters { get; set; }
    public IDictionary<string, string>? PathParameters { get; set; }
    public IDictionary<string, string>? StageVariables { get; set; }
    public APIGatewayProxyRequest.ProxyRequestContext? RequestContext { get; set; }
}
