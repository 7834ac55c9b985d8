namespace SecureApi.Identity;

/// <summary>Names used by the API Gateway authorizer authentication scheme.</summary>
public static class ApiGatewayAuthorizerDefaults
{
    public const string AuthenticationScheme = "ApiGatewayAuthorizer";

    /// <summary><c>HttpContext.Items</c> key of the REST proxy event (the ACS constant LAMBDA_REQUEST_OBJECT).</summary>
    public const string LambdaRequestObjectKey = "LambdaRequestObject";

    /// <summary><c>HttpContext.Items</c> key of the <c>ILambdaContext</c> (the ACS constant LAMBDA_CONTEXT).</summary>
    public const string LambdaContextKey = "LambdaContext";
}

/// <summary>Claim types the scheme issues, named after the authorizer context keys.</summary>
public static class ApiGatewayAuthorizerClaimTypes
{
    public const string PrincipalId = "principalId";
    public const string Role = "role";
    /// <summary>One claim per permission (the context carries them comma-separated).</summary>
    public const string Permission = "permission";
    public const string AuthType = "authType";
    public const string SourceIp = "sourceIp";
}
