using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SecureApi.AuthorizerContract;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.AspNetCoreServer;

namespace SecureApi.Auth;

/// <summary>
/// Builds <c>HttpContext.User</c> from <c>requestContext.authorizer</c> of the REST proxy event in
/// <c>Items["LambdaRequestObject"]</c>: NoResult when there is no authorizer context (a public route),
/// Fail when it is present but empty or without a principalId.
/// </summary>
public sealed partial class ApiGatewayAuthorizerHandler(
    IOptionsMonitor<ApiGatewayAuthorizerOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<ApiGatewayAuthorizerOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.Items[LambdaItemKeys.LambdaRequestObject] is not APIGatewayProxyRequest request ||
            request.RequestContext?.Authorizer is not { } authorizer)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var principalId = authorizer.GetString(AuthorizerContextKeys.PrincipalId);
        if (authorizer.Count == 0 || string.IsNullOrWhiteSpace(principalId))
        {
            Log.AuthorizerContextWithoutPrincipal(Logger);
            return Task.FromResult(AuthenticateResult.Fail("The authorizer context has no principalId."));
        }

        // API Gateway serves a cached TOKEN decision for up to its TTL, even after the token expired: the authorizer
        // passes the token's exp, and a context whose expiry has passed (or is not a number) is refused here.
        if (authorizer.GetString(AuthorizerContextKeys.ExpiresAt) is { } expiresAt &&
            (!long.TryParse(expiresAt, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var exp) ||
             TimeProvider.GetUtcNow().ToUnixTimeSeconds() >= exp))
        {
            Log.ExpiredAuthorizerContext(Logger);
            return Task.FromResult(AuthenticateResult.Fail("The token behind the authorizer context has expired."));
        }

        // Claims are created with the identity as their subject: ClaimsIdentity(IEnumerable<Claim>) would clone each one.
        // Values are taken exactly as the authorizer wrote them: no trimming, no case folding (" admin" is not "admin").
        var identity = new ClaimsIdentity(Scheme.Name, Options.NameClaimType, Options.RoleClaimType);
        Add(identity, ApiGatewayAuthorizerClaimTypes.PrincipalId, principalId);
        foreach (var role in ContextList.Split(authorizer.GetString(AuthorizerContextKeys.Role)))
            Add(identity, ApiGatewayAuthorizerClaimTypes.Role, role);
        foreach (var permission in ContextList.Split(authorizer.GetString(AuthorizerContextKeys.Permissions)))
            Add(identity, ApiGatewayAuthorizerClaimTypes.Permission, permission);
        if (authorizer.GetString(AuthorizerContextKeys.AuthType) is { Length: > 0 } authType)
            Add(identity, ApiGatewayAuthorizerClaimTypes.AuthType, authType);
        // The caller's address as the gateway saw the TCP peer; the context's sourceIp (REQUEST) comes from the same place.
        if ((authorizer.GetString(AuthorizerContextKeys.SourceIp) ?? request.RequestContext.Identity?.SourceIp) is { Length: > 0 } sourceIp)
            Add(identity, ApiGatewayAuthorizerClaimTypes.SourceIp, sourceIp);
        if (authorizer.GetString(AuthorizerContextKeys.KeyId) is { Length: > 0 } keyId)
            Add(identity, ApiGatewayAuthorizerClaimTypes.KeyId, keyId);
        if (authorizer.GetString(ApiGatewayAuthorizerClaimTypes.Issuer) is { Length: > 0 } issuer)
            Add(identity, ApiGatewayAuthorizerClaimTypes.Issuer, issuer);
        // Step-up through the IdP's MFA: amr and auth_time as the TOKEN authorizer read them from the token.
        foreach (var amr in ContextList.Split(authorizer.GetString(AuthorizerContextKeys.Amr)))
            Add(identity, ApiGatewayAuthorizerClaimTypes.Amr, amr);
        if (authorizer.GetString(AuthorizerContextKeys.AuthTime) is { Length: > 0 } authTime)
            Add(identity, ApiGatewayAuthorizerClaimTypes.AuthTime, authTime);

        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(ticket));
    }

    private static void Add(ClaimsIdentity identity, string type, string value) =>
        identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.AuthorizerContextWithoutPrincipal, EventName = nameof(LogEvents.AuthorizerContextWithoutPrincipal), Level = LogLevel.Warning,
            Message = "Request carried an authorizer context without a principalId; authentication failed.")]
        public static partial void AuthorizerContextWithoutPrincipal(ILogger logger);

        [LoggerMessage(EventId = LogEvents.AuthorizerContextExpired, EventName = nameof(LogEvents.AuthorizerContextExpired), Level = LogLevel.Information,
            Message = "The authorizer context carries a token expiry that has passed (a cached gateway decision); authentication failed.")]
        public static partial void ExpiredAuthorizerContext(ILogger logger);
    }
}
