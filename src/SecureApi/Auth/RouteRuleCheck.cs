using System.Security.Claims;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;

namespace SecureApi.Auth;

/// <summary>Why <see cref="RouteRuleCheck"/> refused; <see cref="RouteRulesMiddleware"/> maps it to a status.</summary>
public enum RouteCheckRefusal
{
    /// <summary>The rule is not satisfied, the route is not in the table or the caller has no principalId → 403.</summary>
    Forbidden,
    /// <summary>Disabled principal, revoked/expired/foreign key, or an id the store cannot hold → 401.</summary>
    NotAuthenticated,
    /// <summary>The store did not answer → 503 with Retry-After.</summary>
    StoreUnavailable,
}

/// <summary>
/// Per request, against the store (through its short cache): the route table (stored, else RouteRules.Default) and
/// the rule for this verb + route pattern; the caller's principal record over the authorizer context's roles and
/// permissions (PrincipalOverlay: disabled → 401); the store key the REQUEST authorizer admitted, if any
/// (must be active, unexpired and the caller's). A store failure never allows. Singleton: stateless.
/// </summary>
public sealed partial class RouteRuleCheck(IAuthorizationStore store, TimeProvider time, ILoggerFactory loggers, RegisteredIssuers issuers)
{
    // The category the check has always logged under (it was an IAuthorizationHandler of that name): log queries and
    // alarms select on it.
    internal const string LogCategory = "SecureApi.Auth.RouteRuleAuthorizationHandler";

    private readonly ILogger _logger = loggers.CreateLogger(LogCategory);

    /// <summary>null when <paramref name="user"/> may call <paramref name="endpoint"/>; else why not.</summary>
    public async ValueTask<RouteCheckRefusal?> CheckAsync(HttpContext http, Endpoint endpoint, ClaimsPrincipal user)
    {
        if (ClaimValues.First(user, ApiGatewayAuthorizerClaimTypes.PrincipalId) is not { Length: > 0 } principalId) return RouteCheckRefusal.Forbidden;
        if (endpoint is not RouteEndpoint route) return RouteCheckRefusal.Forbidden;  // no route pattern to look up

        var verb = http.Request.Method;
        var path = EndpointRoutes.TemplatePath(route);
        try
        {
            return await CheckAsync(user, principalId, verb, path, http.RequestAborted).ConfigureAwait(false);
        }
        catch (AuthorizationStoreUnavailableException)
        {
            Log.StoreUnavailable(_logger, verb, path);
            return RouteCheckRefusal.StoreUnavailable;
        }
    }

    private async ValueTask<RouteCheckRefusal?> CheckAsync(ClaimsPrincipal user, string principalId, string verb, string path, CancellationToken ct)
    {
        var routes = await store.GetRouteRulesAsync(ct).ConfigureAwait(false) ?? RouteRules.Default;
        if (routes.Find(verb, path) is not { } rule)
        {
            Log.RouteNotInTable(_logger, verb, path);
            return RouteCheckRefusal.Forbidden;
        }

        if (!PrincipalIds.IsValid(principalId)) return RouteCheckRefusal.NotAuthenticated;
        // A removed issuer's cached Allow is refused within the cache window, like a disabled principal's.
        if (ClaimValues.First(user, ApiGatewayAuthorizerClaimTypes.Issuer) is { Length: > 0 } issuer
            && !await issuers.IsRegisteredAsync(issuer, ct).ConfigureAwait(false))
        {
            Log.IssuerNotRegistered(_logger, issuer, verb, path);
            return RouteCheckRefusal.NotAuthenticated;
        }
        var principal = await store.GetPrincipalAsync(principalId, ct).ConfigureAwait(false);
        var granted = PrincipalOverlay.Apply(principal, user, static u =>
            (ClaimValues.All(u, ApiGatewayAuthorizerClaimTypes.Role), ClaimValues.All(u, ApiGatewayAuthorizerClaimTypes.Permission)));
        if (granted is not { } inForce)
        {
            Log.PrincipalDisabled(_logger, principalId, verb, path);
            return RouteCheckRefusal.NotAuthenticated;
        }

        if (ClaimValues.First(user, ApiGatewayAuthorizerClaimTypes.KeyId) is { Length: > 0 } keyId)
        {
            var credential = PrincipalIds.IsValid(keyId) ? await store.GetCredentialAsync(keyId, ct).ConfigureAwait(false) : null;
            if (credential is null || !credential.IsUsableAt(time.GetUtcNow()) ||
                !string.Equals(credential.PrincipalId, principalId, StringComparison.Ordinal))
            {
                Log.KeyNotUsable(_logger, principalId, verb, path);
                return RouteCheckRefusal.NotAuthenticated;
            }
        }

        return rule.IsSatisfiedBy(inForce.Roles, inForce.Permissions) ? null : RouteCheckRefusal.Forbidden;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.RouteCheckIssuerNotRegistered, EventName = nameof(LogEvents.RouteCheckIssuerNotRegistered), Level = LogLevel.Warning, Message = "Refused {Verb} {Path}: issuer {Issuer} is no longer registered.")]
        public static partial void IssuerNotRegistered(ILogger logger, string issuer, string verb, string path);

        [LoggerMessage(EventId = LogEvents.RouteCheckPrincipalDisabled, EventName = nameof(LogEvents.RouteCheckPrincipalDisabled), Level = LogLevel.Warning, Message = "Refused {Verb} {Path}: principal {PrincipalId} is disabled in the authorization store.")]
        public static partial void PrincipalDisabled(ILogger logger, string principalId, string verb, string path);

        [LoggerMessage(EventId = LogEvents.RouteCheckKeyNotUsable, EventName = nameof(LogEvents.RouteCheckKeyNotUsable), Level = LogLevel.Warning, Message = "Refused {Verb} {Path}: the store key of principal {PrincipalId} is revoked, expired, unknown or not its own.")]
        public static partial void KeyNotUsable(ILogger logger, string principalId, string verb, string path);

        [LoggerMessage(EventId = LogEvents.RouteCheckStoreUnavailable, EventName = nameof(LogEvents.RouteCheckStoreUnavailable), Level = LogLevel.Error, Message = "Refused {Verb} {Path}: the authorization store is unavailable (fail closed).")]
        public static partial void StoreUnavailable(ILogger logger, string verb, string path);

        [LoggerMessage(EventId = LogEvents.RouteCheckRouteNotInTable, EventName = nameof(LogEvents.RouteCheckRouteNotInTable), Level = LogLevel.Warning, Message = "Refused {Verb} {Path}: the route is not in the route table.")]
        public static partial void RouteNotInTable(ILogger logger, string verb, string path);
    }
}
