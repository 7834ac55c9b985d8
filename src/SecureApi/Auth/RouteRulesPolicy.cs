using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecureApi.Auth;

/// <summary>
/// One authorization policy for every protected route: the caller must be authenticated by the authorizer scheme
/// and pass <see cref="RouteRuleAuthorizationHandler"/>, which re-checks the route against the store's route table,
/// the principal's status and (for a store key) the key's status on every request. The gateway decided already;
/// this is defence in depth and the bound on how long a revoked key or disabled principal keeps working.
/// </summary>
public static class RouteRulesPolicy
{
    public const string PolicyName = "RouteRule";

    /// <summary>Endpoint metadata: this route is authorized by its rule in the route table (verb + route pattern).</summary>
    public static TBuilder RequireRouteRules<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(PolicyName);

    public static IServiceCollection AddRouteRulesPolicy(this IServiceCollection services)
    {
        // AuthorizationMiddleware resolves these two from RequestServices on every authorized request, and the
        // framework registers them as transients (a new evaluator + authorization service graph each time). Both are
        // stateless, so one instance each serves all requests; TryAdd lets the defaults below stand aside.
        // This holds only while every IAuthorizationHandler is transient or singleton: a scoped handler would be
        // captured from the root provider (Development's scope validation, used by the tests, then throws).
        // RouteRuleAuthorizationHandler is a singleton: its dependencies (store, clock, logger) are singletons.
        services.TryAddSingleton<IPolicyEvaluator>(sp => new AuthenticateOncePolicyEvaluator(sp.GetRequiredService<IAuthorizationService>()));
        services.TryAddSingleton<IAuthorizationMiddlewareResultHandler>(new RouteAuthorizationResultHandler());
        services.TryAddSingleton<RegisteredIssuers>();                                 // the context's issuer still registered (run-time registry)
        services.AddSingleton<IAuthorizationHandler, RouteRuleAuthorizationHandler>();
        // Both policies name the scheme: on Lambda, HttpContext.User already holds the hosting's principal built from
        // the authorizer context (docs/wire-contracts.md §2.9), which a policy naming no scheme would accept as is.
        // The scheme still runs once per request: AuthenticateOncePolicyEvaluator takes UseAuthentication's success.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(null)
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(ApiGatewayAuthorizerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().Build())
            .AddPolicy(PolicyName, policy => policy
                .AddAuthenticationSchemes(ApiGatewayAuthorizerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(RouteRuleRequirement.Instance));
        return services;
    }
}
