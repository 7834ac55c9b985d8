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
}
