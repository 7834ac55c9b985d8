using SecureApi.AuthorizerContract;

namespace SecureApi.Auth;

/// <summary>Names used by the API Gateway authorizer authentication scheme.</summary>
public static class ApiGatewayAuthorizerDefaults
{
    public const string AuthenticationScheme = "ApiGatewayAuthorizer";
}

/// <summary>Claim types the scheme issues: the authorizer context keys, one claim per role and per permission.</summary>
public static class ApiGatewayAuthorizerClaimTypes
{
    public const string PrincipalId = AuthorizerContextKeys.PrincipalId;
    public const string Role = AuthorizerContextKeys.Role;
    /// <summary>One claim per permission (the context carries them comma-separated under "permissions").</summary>
    public const string Permission = "permission";
    public const string AuthType = AuthorizerContextKeys.AuthType;
    public const string SourceIp = AuthorizerContextKeys.SourceIp;
    /// <summary>The store credential the REQUEST authorizer admitted (absent for configured keys, tokens, IPs).</summary>
    public const string KeyId = AuthorizerContextKeys.KeyId;
    /// <summary>The token's issuer, when the TOKEN authorizer names it in the context ("issuer"); audit records show it.</summary>
    public const string Issuer = "issuer";
    /// <summary>One claim per amr value the TOKEN authorizer passed (step-up, docs/step-up.md).</summary>
    public const string Amr = AuthorizerContextKeys.Amr;
    /// <summary>The IdP's auth_time in epoch seconds, as the TOKEN authorizer passed it.</summary>
    public const string AuthTime = AuthorizerContextKeys.AuthTime;
}
