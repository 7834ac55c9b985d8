using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using SecureApi.Setup;

namespace SecureApi.Auth;

/// <summary>
/// Turns a route check refusal into its status: store unavailable → 503 ProblemDetails with Retry-After, disabled
/// principal or unusable key → 401, anything else as the framework does (challenge 401, forbid 403). Stateless.
/// </summary>
internal sealed class RouteAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        switch (Strongest(authorizeResult))
        {
            case RouteCheckRefusal.StoreUnavailable:
                return StoreProblems.WriteUnavailableAsync(context);
            case RouteCheckRefusal.NotAuthenticated:
                context.Response.StatusCode = StatusCodes.Status401Unauthorized; // UseStatusCodePages writes the ProblemDetails body
                return Task.CompletedTask;
            default:
                return _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }

    private static RouteCheckRefusal? Strongest(PolicyAuthorizationResult result)
    {
        if (!result.Forbidden || result.AuthorizationFailure is not { } failure) return null;
        RouteCheckRefusal? strongest = null;
        foreach (var reason in failure.FailureReasons)
            if (reason is RouteCheckFailure f && (strongest is null || f.Refusal > strongest)) strongest = f.Refusal;
        return strongest;
    }
}
