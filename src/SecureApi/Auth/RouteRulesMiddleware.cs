using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features.Authentication;
using SecureApi.Setup;

namespace SecureApi.Auth;

/// <summary>
/// Runs an endpoint carrying <see cref="RouteRulesMetadata"/> only for a caller the authorizer scheme authenticated
/// and <see cref="RouteRuleCheck"/> admits; refusals answer as the framework's authorization did for these routes:
/// not authenticated by the scheme → its challenge (401); disabled principal, unusable key → 401; store
/// unavailable → 503 ProblemDetails with Retry-After; anything else → the scheme's forbid (403). An exception
/// other than the store's goes to the exception handler (500 without detail): the endpoint never runs.
/// Our own middleware rather than an authorization policy: the framework's policy machinery (evaluator,
/// authorization service, context, pass-through handler, result handler) cost more per request than the route check
/// itself (bench/README.md#the-protected-paths-cost).
/// </summary>
internal sealed class RouteRulesMiddleware(RequestDelegate next, RouteRuleCheck check)
{
    private const string Scheme = ApiGatewayAuthorizerDefaults.AuthenticationScheme;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not { } endpoint || endpoint.Metadata.GetMetadata<RouteRulesMetadata>() is null) return next(context);
        if (AuthenticatedByScheme(context) is not { } user) return AuthenticateThenCheckAsync(context, endpoint);
        var refusal = Check(context, endpoint, user);
        return refusal.IsCompletedSuccessfully ? AnswerAsync(context, refusal.Result) : AnswerAsync(context, refusal);
    }

    /// <summary>
    /// UseAuthentication's success of the authorizer scheme (its default scheme), taken as it is: the scheme does not
    /// run twice. Only that: on Lambda, <c>HttpContext.User</c> may hold the hosting's own principal built from the
    /// authorizer context (docs/wire-contracts.md#s2-9), which is never accepted as is.
    /// </summary>
    private static ClaimsPrincipal? AuthenticatedByScheme(HttpContext context)
    {
        if (context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is not
            { Succeeded: true, Ticket: { AuthenticationScheme: Scheme, Principal: var principal } } result) return null;
        if (!ReferenceEquals(context.User, principal)) UseAsUser(context, result);   // UseAuthentication made it the User already
        return principal;
    }

    // As AuthorizationMiddleware did with a policy's result: the User, and the result kept beside it. Setting User
    // alone drops the framework's authentication result, and the rate limiter partitions by that result's principal.
    private static void UseAsUser(HttpContext context, AuthenticateResult result)
    {
        context.User = result.Principal!;
        if (context.Features.Get<IAuthenticateResultFeature>() is { } feature)
        {
            feature.AuthenticateResult = result;
            return;
        }
        var authenticated = new AuthenticatedFeature { AuthenticateResult = result };
        context.Features.Set<IHttpAuthenticationFeature>(authenticated);
        context.Features.Set<IAuthenticateResultFeature>(authenticated);
    }

    // The framework's own (AuthenticationFeatures) is internal: a User set through it replaces the result, as there.
    internal sealed class AuthenticatedFeature : IAuthenticateResultFeature, IHttpAuthenticationFeature
    {
        private AuthenticateResult? _result;
        private ClaimsPrincipal? _user;

        public AuthenticateResult? AuthenticateResult
        {
            get => _result;
            set { _result = value; _user = value?.Principal; }
        }

        public ClaimsPrincipal? User
        {
            get => _user;
            set { _user = value; _result = null; }
        }
    }

    // No success of the scheme from UseAuthentication (a failed or empty context, or another scheme's): ask the scheme
    // itself, as the framework's policy evaluator did; a refusal leaves the request anonymous and challenged.
    private async Task AuthenticateThenCheckAsync(HttpContext context, Endpoint endpoint)
    {
        var result = await context.AuthenticateAsync(Scheme);
        if (!result.Succeeded)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
            await context.ChallengeAsync(Scheme);
            return;
        }
        UseAsUser(context, result);
        await AnswerAsync(context, Check(context, endpoint, result.Principal!));
    }

    // The authenticated-user requirement the route policy had, then the route check.
    private ValueTask<RouteCheckRefusal?> Check(HttpContext context, Endpoint endpoint, ClaimsPrincipal user) =>
        IsAuthenticated(user) ? check.CheckAsync(context, endpoint, user) : new(RouteCheckRefusal.Forbidden);

    // Indexed when the identities are the list they usually are (no boxed enumerator per request).
    private static bool IsAuthenticated(ClaimsPrincipal user)
    {
        if (user.Identities is not List<ClaimsIdentity> identities) return user.Identities.Any(i => i.IsAuthenticated);
        for (var i = 0; i < identities.Count; i++)
            if (identities[i].IsAuthenticated) return true;
        return false;
    }

    private async Task AnswerAsync(HttpContext context, ValueTask<RouteCheckRefusal?> refusal) => await AnswerAsync(context, await refusal);

    private Task AnswerAsync(HttpContext context, RouteCheckRefusal? refusal)
    {
        switch (refusal)
        {
            case null:
                return next(context);
            case RouteCheckRefusal.StoreUnavailable:
                return StoreProblems.WriteUnavailableAsync(context);
            case RouteCheckRefusal.NotAuthenticated:
                context.Response.StatusCode = StatusCodes.Status401Unauthorized; // UseStatusCodePages writes the ProblemDetails body
                return Task.CompletedTask;
            default:
                return context.ForbidAsync(Scheme);
        }
    }
}
