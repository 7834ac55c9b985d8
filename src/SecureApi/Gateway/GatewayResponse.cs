namespace SecureApi.Gateway;

/// <summary>
/// API Gateway's default gateway responses for authorizer outcomes (docs/wire-contracts.md §3.5). Bodies are the
/// literal JSON API Gateway sends; clients should rely on the status code.
/// </summary>
public sealed record GatewayResponse(int StatusCode, string ErrorType, string Body)
{
    public const string ContentType = "application/json";

    /// <summary>Missing identity source, or the authorizer said "Unauthorized".</summary>
    public static GatewayResponse Unauthorized { get; } =
        new(401, "UnauthorizedException", """{"message":"Unauthorized"}""");

    /// <summary>The policy explicitly denies the methodArn.</summary>
    public static GatewayResponse AccessDeniedExplicit { get; } =
        new(403, "AccessDeniedException", """{"message":"User is not authorized to access this resource with an explicit deny"}""");

    /// <summary>The policy does not cover the methodArn.</summary>
    public static GatewayResponse AccessDeniedImplicit { get; } =
        new(403, "AccessDeniedException", """{"message":"User is not authorized to access this resource"}""");

    /// <summary>
    /// Authorizer error, timeout or malformed response. API Gateway's default is 500 <c>{"message":null}</c>;
    /// serverless.template overrides AUTHORIZER_FAILURE and AUTHORIZER_CONFIGURATION_ERROR to this 401 so an
    /// authorizer that crashes or times out fails closed, exactly like one that says "Unauthorized".
    /// </summary>
    public static GatewayResponse AuthorizerFailure { get; } =
        new(401, "AuthorizerFailureException", """{"message":"Unauthorized"}""");
}
