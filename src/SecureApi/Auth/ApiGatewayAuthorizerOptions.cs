using Microsoft.AspNetCore.Authentication;

namespace SecureApi.Auth;

/// <summary>
/// Options of the API Gateway authorizer scheme. The scheme trusts only <c>requestContext.authorizer</c>, which
/// API Gateway (or the local gateway stage) builds; request headers are never read. Secure defaults: a context
/// without a principalId fails authentication.
/// </summary>
public sealed class ApiGatewayAuthorizerOptions : AuthenticationSchemeOptions
{
    /// <summary>Claim type that <c>User.Identity.Name</c> reads. Default: principalId.</summary>
    public string NameClaimType { get; set; } = ApiGatewayAuthorizerClaimTypes.PrincipalId;

    /// <summary>Claim type that <c>IsInRole</c>/<c>RequireRole</c> read. Default: role.</summary>
    public string RoleClaimType { get; set; } = ApiGatewayAuthorizerClaimTypes.Role;
}
