namespace SecureApi.Lambda.APIGatewayEvents;

/// <summary>
/// An API Gateway REST API Lambda proxy event (payload format 1.0), shaped like
/// Amazon.Lambda.APIGatewayEvents.APIGatewayProxyRequest. JSON names are camelCase as AWS sends them.
/// </summary>
public class APIGatewayProxyRequest
{
    public string? Resource { get; set; }
    public string? Path { get; set; }
    public string? HttpMethod { get; set; }
    public IDictionary<string, string>? Headers { get; set; }
    public IDictionary<string, IList<string>>? MultiValueHeaders { get; set; }
    public IDictionary<string, string>? QueryStringParameters { get; set; }
    public IDictionary<string, IList<string>>? MultiValueQueryStringParameters { get; set; }
    public IDictionary<string, string>? PathParameters { get; set; }
    public IDictionary<string, string>? StageVariables { get; set; }
    public ProxyRequestContext? RequestContext { get; set; }
    public string? Body { get; set; }
    public bool IsBase64Encoded { get; set; }

    public class ProxyRequestContext
    {
        public string? Path { get; set; }
        public string? AccountId { get; set; }
        public string? ResourceId { get; set; }
        public string? Stage { get; set; }
        public string? RequestId { get; set; }
        public string? ExtendedRequestId { get; set; }
        public RequestIdentity? Identity { get; set; }
        public string? ResourcePath { get; set; }
        public string? HttpMethod { get; set; }
        public string? ApiId { get; set; }
        public string? DomainName { get; set; }
        public string? DomainPrefix { get; set; }
        public string? Protocol { get; set; }
        public string? RequestTime { get; set; }
        public long RequestTimeEpoch { get; set; }
        public string? ConnectionId { get; set; }

        /// <summary>What the Lambda authorizer returned, flattened by API Gateway: principalId,
        /// integrationLatency and every context key at the top level (values stringified);
        /// <c>claims</c> for Cognito user-pool authorizers. Absent on routes without an authorizer.</summary>
        public APIGatewayCustomAuthorizerContext? Authorizer { get; set; }
    }

    public class RequestIdentity
    {
        public string? CognitoIdentityPoolId { get; set; }
        public string? AccountId { get; set; }
        public string? CognitoIdentityId { get; set; }
        public string? Caller { get; set; }
        public string? ApiKey { get; set; }
        public string? ApiKeyId { get; set; }
        public string? AccessKey { get; set; }
        public string? SourceIp { get; set; }
        public string? CognitoAuthenticationType { get; set; }
        public string? CognitoAuthenticationProvider { get; set; }
        public string? UserArn { get; set; }
        public string? UserAgent { get; set; }
        public string? User { get; set; }
        public ProxyRequestClientCert? ClientCert { get; set; }
    }

    public class ProxyRequestClientCert
    {
        public string? ClientCertPem { get; set; }
        public string? SubjectDN { get; set; }
        public string? IssuerDN { get; set; }
        public string? SerialNumber { get; set; }
        public ClientCertValidity? Validity { get; set; }
    }

    public class ClientCertValidity
    {
        public string? NotBefore { get; set; }
        public string? NotAfter { get; set; }
    }
}
