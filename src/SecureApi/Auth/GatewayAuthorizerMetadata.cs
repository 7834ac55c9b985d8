namespace SecureApi.Auth;

/// <summary>
/// Endpoint metadata: the Lambda authorizer of serverless.template that API Gateway runs before this endpoint
/// (an <see cref="SecureApi.AuthorizerContract.AuthorizerNames"/> value). Read by the OpenAPI document for its
/// security schemes and, on Lambda, by the route guard that runs the endpoint only for that authorized route.
/// </summary>
public sealed record GatewayAuthorizerMetadata(string AuthorizerName);

public static class GatewayAuthorizerEndpointExtensions
{
    public static TBuilder BehindGatewayAuthorizer<TBuilder>(this TBuilder builder, string authorizerName)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GatewayAuthorizerMetadata(authorizerName));
}
