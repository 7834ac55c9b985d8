using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;

namespace SecureApi.Auth;

/// <summary>The requirement of <see cref="RouteRulesPolicy.PolicyName"/>: the endpoint's route rule, checked against the store.</summary>
public sealed class RouteRuleRequirement : IAuthorizationRequirement
{
    public static RouteRuleRequirement Instance { get; } = new();
    private RouteRuleRequirement() { }
}

/// <summary>Why <see cref="RouteRuleAuthorizationHandler"/> refused; <see cref="RouteAuthorizationResultHandler"/> maps it to a status.</summary>
public enum RouteCheckRefusal
{
    /// <summary>The rule is not satisfied or the route is not in the table → 403.</summary>
    Forbidden,
    /// <summary>Disabled principal, revoked/expired/foreign key, or an id the store cannot hold → 401.</summary>
    NotAuthenticated,
    /// <summary>The store did not answer → 503 with Retry-After.</summary>
    StoreUnavailable,
}

public sealed class RouteCheckFailure(IAuthorizationHandler handler, RouteCheckRefusal refusal, string message)
    : AuthorizationFailureReason(handler, message)
{
    public RouteCheckRefusal Refusal { get; } = refusal;
}

/// <summary>
/// Per request, against the store (through its short cache): the route table (stored, else RouteRules.Default) and
/// the rule for this verb + route pattern; the caller's principal record over the authorizer context's roles and
/// permissions (PrincipalOverlay: disabled → 401); the store key the REQUEST authorizer admitted, if any
/// (must be active, unexpired and the caller's). A store failure never allows. Singleton: stateless.
/// </summary>
public sealed partial class RouteRuleAuthorizationHandler(
    IAuthorizationStore store, TimeProvider time, ILogger<RouteRuleAuthorizationHandler> logger, RegisteredIssuers issuers)
    : IAuthorizationHandler
{
    // IAuthorizationHandler itself rather than AuthorizationHandler<T>, which looks for its requirement through LINQ's
    // OfType (an iterator and a boxed enumerator) on every authorized request, protected or not. There is one
    // RouteRuleRequirement (Instance): a policy that lists it, even twice, gets the one check.
    public Task HandleAsync(AuthorizationHandlerContext context) =>
        Lists(context.Requirements, RouteRuleRequirement.Instance) ? HandleRequirementAsync(context, RouteRuleRequirement.Instance) : Task.CompletedTask;

    private static bool Lists(IEnumerable<IAuthorizationRequirement> requirements, RouteRuleRequirement wanted)
    {
        if (requirements is IReadOnlyList<IAuthorizationRequirement> list)
        {
            for (var i = 0; i < list.Count; i++)
                if (ReferenceEquals(list[i], wanted)) return true;
            return false;
        }
        return requirements.Contains(wanted);
    }

    private async Task HandleRequirementAsync(AuthorizationHandlerContext context, RouteRuleRequirement requirement)
    {
        // Unauthenticated: leave the requirement unmet; RequireAuthenticatedUser makes it a challenge (401).
        if (ClaimValues.First(context.User, ApiGatewayAuthorizerClaimTypes.PrincipalId) is not { Length: > 0 } principalId) return;
        if (context.Resource is not HttpContext http || http.GetEndpoint() is not RouteEndpoint endpoint)
        {
            Refuse(context, RouteCheckRefusal.Forbidden, "No route endpoint to check.");
            return;
        }

        var verb = http.Request.Method;
        var path = EndpointRoutes.TemplatePath(endpoint);
        try
        {
            var refusal = await CheckAsync(context.User, principalId, verb, path, http.RequestAborted).ConfigureAwait(false);
            if (refusal is null) context.Succeed(requirement);
            else Refuse(context, refusal.Value, $"{verb} {path}: {refusal}");
        }
        catch (AuthorizationStoreUnavailableException)
        {
            Log.StoreUnavailable(logger, verb, path);
            Refuse(context, RouteCheckRefusal.StoreUnavailable, "Authorization store unavailable.");
        }
    }

    private async Task<RouteCheckRefusal?> CheckAsync(ClaimsPrincipal user, string principalId, string verb, string path, CancellationToken ct)
    {
        var routes = await store.GetRouteRulesAsync(ct).ConfigureAwait(false) ?? RouteRules.Default;
        if (routes.Find(verb, path) is not { } rule)
        {
            Log.RouteNotInTable(logger, verb, path);
            return RouteCheckRefusal.Forbidden;
        }

        if (!PrincipalIds.IsValid(principalId)) return RouteCheckRefusal.NotAuthenticated;
        // A removed issuer's cached Allow is refused within the cache window, like a disabled principal's.
        if (ClaimValues.First(user, ApiGatewayAuthorizerClaimTypes.Issuer) is { Length: > 0 } issuer
            && !await issuers.IsRegisteredAsync(issuer, ct).ConfigureAwait(false))
        {
            Log.IssuerNotRegistered(logger, issuer, verb, path);
            return RouteCheckRefusal.NotAuthenticated;
        }
        var principal = await store.GetPrincipalAsync(principalId, ct).ConfigureAwait(false);
        var granted = PrincipalOverlay.Apply(principal, user, static u =>
            (ClaimValues.All(u, ApiGatewayAuthorizerClaimTypes.Role), ClaimValues.All(u, ApiGatewayAuthorizerClaimTypes.Permission)));
        if (granted is not { } inForce)
        {
            Log.PrincipalDisabled(logger, principalId, verb, path);
            return RouteCheckRefusal.NotAuthenticated;
        }

        if (ClaimValues.First(user, ApiGatewayAuthorizerClaimTypes.KeyId) is { Length: > 0 } keyId)
        {
            var credential = PrincipalIds.IsValid(keyId) ? await store.GetCredentialAsync(keyId, ct).ConfigureAwait(false) : null;
            if (credential is null || !credential.IsUsableAt(time.GetUtcNow()) ||
                !string.Equals(credential.PrincipalId, principalId, StringComparison.Ordinal))
            {
                Log.KeyNotUsable(logger, principalId, verb, path);
                return RouteCheckRefusal.NotAuthenticated;
            }
        }

        return rule.IsSatisfiedBy(inForce.Roles, inForce.Permissions) ? null : RouteCheckRefusal.Forbidden;
    }

    private void Refuse(AuthorizationHandlerContext context, RouteCheckRefusal refusal, string message) =>
        context.Fail(new RouteCheckFailure(this, refusal, message));

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
