using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;

namespace SecureApi.Auth;

/// <summary>The principalId of the caller of an endpoint behind the route check: the actor of an admin change, the owner of an MFA enrollment.</summary>
public static class AuthenticatedCaller
{
    /// <summary>
    /// The route check admits only an authenticated caller with a principalId, so its absence is a wiring bug: this
    /// throws (500 ProblemDetails, nothing written) rather than write or audit without an actor.
    /// </summary>
    public static string PrincipalId(HttpContext context) =>
        context.User.FindFirst(ApiGatewayAuthorizerClaimTypes.PrincipalId)?.Value is { Length: > 0 } id
            ? id
            : throw new InvalidOperationException("A call behind the route check without an authenticated principal.");

    /// <summary>
    /// The caller as its audit records name it (docs/admin-api.md#audit): principal, auth type, the key id of a store
    /// key, for a token the issuer (the context's "issuer", else the configured TokenAuthorizer:Issuer), source IP and
    /// request id. Never a secret: no key, header value or token.
    /// </summary>
    public static AuditActor Actor(HttpContext context)
    {
        var user = context.User;
        var authType = user.FindFirst(ApiGatewayAuthorizerClaimTypes.AuthType)?.Value;
        var issuer = authType == AuthTypes.Jwt
            ? user.FindFirst(ApiGatewayAuthorizerClaimTypes.Issuer)?.Value ?? context.RequestServices.GetService<IConfiguration>()?["TokenAuthorizer:Issuer"]
            : null;
        return new AuditActor(PrincipalId(context), authType,
            KeyId: user.FindFirst(ApiGatewayAuthorizerClaimTypes.KeyId)?.Value,
            Issuer: issuer,
            SourceIp: user.FindFirst(ApiGatewayAuthorizerClaimTypes.SourceIp)?.Value ?? context.Connection.RemoteIpAddress?.ToString(),
            RequestId: Endpoints.RequestIds.For(context));
    }
}
