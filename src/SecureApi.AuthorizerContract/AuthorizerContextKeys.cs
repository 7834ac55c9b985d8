namespace SecureApi.AuthorizerContract;

/// <summary>
/// Keys of the authorizer context: what the authorizers return in <c>context</c> and what API Gateway hands the
/// API as <c>requestContext.authorizer</c> (every value a string there). See docs/wire-contracts.md §3.
/// </summary>
public static class AuthorizerContextKeys
{
    public const string PrincipalId = "principalId";
    /// <summary>Comma-separated roles (see <see cref="ContextList"/>).</summary>
    public const string Role = "role";
    /// <summary>Comma-separated permissions (see <see cref="ContextList"/>).</summary>
    public const string Permissions = "permissions";
    /// <summary>One of <see cref="AuthTypes"/>.</summary>
    public const string AuthType = "authType";
    /// <summary>The TCP peer address the gateway saw (REQUEST authorizer).</summary>
    public const string SourceIp = "sourceIp";
    /// <summary>The key id of a credential managed in the authorization store (REQUEST authorizer), so the API can
    /// refuse a key revoked after API Gateway or the authorizer last looked.</summary>
    public const string KeyId = "keyId";
    /// <summary>
    /// TOKEN authorizer: the token's exp, epoch seconds, a JSON number. API Gateway may serve a cached decision after
    /// the token expired; the API refuses a context whose expiresAt has passed.
    /// </summary>
    public const string ExpiresAt = "expiresAt";
    /// <summary>
    /// TOKEN authorizer: the token's <c>amr</c> (RFC 8176 authentication methods), comma-separated (see
    /// <see cref="ContextList"/>); absent when the token has none. With <see cref="AuthTime"/> it lets the API accept
    /// the IdP's own MFA as step-up (docs/step-up.md).
    /// </summary>
    public const string Amr = "amr";
    /// <summary>TOKEN authorizer: the token's <c>auth_time</c>, epoch seconds, a JSON number; absent when the token has none.</summary>
    public const string AuthTime = "authTime";
    /// <summary>
    /// TOKEN authorizer: the registry name of the issuer that issued the token. The principalId is then
    /// <c>{issuer}:{sub}</c> (<see cref="TokenSubjects"/>): identity is (issuer, sub), never sub alone.
    /// </summary>
    public const string Issuer = "issuer";
    /// <summary>Added by API Gateway itself: milliseconds the authorizer took (0 on a cache hit).</summary>
    public const string IntegrationLatency = "integrationLatency";
}

/// <summary>The <see cref="AuthorizerContextKeys.AuthType"/> values.</summary>
public static class AuthTypes
{
    public const string Jwt = "jwt";
    public const string ApiKey = "api-key";
    public const string CustomHeader = "custom-header";
    public const string IpAllowlist = "ip-allowlist";
    /// <summary>`Authorization: Basic` checked against LDAP / Active Directory (docs/directory.md).</summary>
    public const string Directory = "directory";
}

/// <summary>The authorizer names serverless.template declares under <c>Auth.Authorizers</c>.</summary>
public static class AuthorizerNames
{
    public const string Token = "TokenAuthorizer";
    public const string Request = "RequestAuthorizer";
}
