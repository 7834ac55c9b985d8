using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureApi.AuthorizerContract;

namespace SecureApi.Auth;

/// <summary>
/// Authorization policies derived from <see cref="RouteRules.Default"/>, the table the authorizers build their
/// IAM policies from: one policy per route requiring the rule's permission and/or role from the authorizer
/// scheme's claims. The gateway decided already; this is defence in depth.
/// </summary>
public static class RoutePolicies
{
    public static string For(string verb, string path) =>
        RouteRules.Default.Find(verb, path) is { } rule ? Name(rule) : throw new InvalidOperationException($"No route rule for {verb} {path}.");

    public static IServiceCollection AddRoutePolicies(this IServiceCollection services)
    {
        // AuthorizationMiddleware resolves these two from RequestServices on every authorized request, and the
        // framework registers them as transients (a new evaluator + authorization service graph each time). Both are
        // stateless, so one instance each serves all requests; TryAdd lets the defaults below stand aside.
        // This holds only while every IAuthorizationHandler is transient or singleton: a scoped handler would be
        // captured from the root provider (Development's scope validation, used by the tests, then throws).
        services.TryAddSingleton<IPolicyEvaluator>(sp => new PolicyEvaluator(sp.GetRequiredService<IAuthorizationService>()));
        services.TryAddSingleton<IAuthorizationMiddlewareResultHandler>(new AuthorizationMiddlewareResultHandler());
        var builder = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(null)
            .SetDefaultPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(ApiGatewayAuthorizerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().Build());
        foreach (var rule in RouteRules.Default.Rules)
        {
            builder.AddPolicy(Name(rule), policy =>
            {
                policy.AddAuthenticationSchemes(ApiGatewayAuthorizerDefaults.AuthenticationScheme).RequireAuthenticatedUser();
                if (rule.RequiredPermission is { } permission) policy.RequireClaim(ApiGatewayAuthorizerClaimTypes.Permission, permission);
                if (rule.RequiredRole is { } role) policy.RequireRole(role);
            });
        }
        return services;
    }

    private static string Name(RouteRule rule) => $"{rule.Verb} {rule.Path}";
}
