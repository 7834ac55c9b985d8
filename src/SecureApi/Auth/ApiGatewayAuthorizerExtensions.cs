using Microsoft.AspNetCore.Authentication;

namespace SecureApi.Auth;

public static class ApiGatewayAuthorizerExtensions
{
    public static AuthenticationBuilder AddApiGatewayAuthorizer(this AuthenticationBuilder builder) =>
        builder.AddApiGatewayAuthorizer(ApiGatewayAuthorizerDefaults.AuthenticationScheme, _ => { });

    public static AuthenticationBuilder AddApiGatewayAuthorizer(
        this AuthenticationBuilder builder, Action<ApiGatewayAuthorizerOptions> configure) =>
        builder.AddApiGatewayAuthorizer(ApiGatewayAuthorizerDefaults.AuthenticationScheme, configure);

    public static AuthenticationBuilder AddApiGatewayAuthorizer(
        this AuthenticationBuilder builder, string authenticationScheme, Action<ApiGatewayAuthorizerOptions> configure) =>
        builder.AddScheme<ApiGatewayAuthorizerOptions, ApiGatewayAuthorizerHandler>(authenticationScheme, configure);
}
