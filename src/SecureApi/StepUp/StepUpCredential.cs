using System.Security.Claims;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;

namespace SecureApi.StepUp;

/// <summary>
/// Which credential a step-up window belongs to: a store key by its key id; a bearer token by the SHA-256 of the
/// Authorization header (never the token itself). A configured key (appsettings/env, no key id) and an IP-allowlisted
/// caller have no id the API can see, so their window is the principal's for that kind of credential — configured
/// keys are meant for bootstrap and local work; keys from the admin API get windows of their own.
/// </summary>
public static class StepUpCredential
{
    public static string Of(ClaimsPrincipal user, HttpRequest request) =>
        For(user.FindFirst(ApiGatewayAuthorizerClaimTypes.AuthType)?.Value,
            user.FindFirst(ApiGatewayAuthorizerClaimTypes.PrincipalId)?.Value ?? "",
            user.FindFirst(ApiGatewayAuthorizerClaimTypes.KeyId)?.Value,
            request.Headers.Authorization.ToString());

    public static string For(string? authType, string principalId, string? keyId, string? authorizationHeader)
    {
        if (!string.IsNullOrEmpty(keyId)) return "key:" + keyId;
        if (authType == AuthTypes.Jwt && !string.IsNullOrEmpty(authorizationHeader))
            return "token:" + CredentialHash.Of(authorizationHeader);
        return "principal:" + (authType ?? "none") + ":" + principalId;
    }
}
