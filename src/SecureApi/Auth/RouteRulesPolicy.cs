using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SecureApi.Auth;

/// <summary>Endpoint metadata: this route is authorized by its rule in the route table (verb + route pattern).</summary>
public sealed class RouteRulesMetadata
{
    public static RouteRulesMetadata Instance { get; } = new();
    private RouteRulesMetadata() { }
}

/// <summary>
/// Every protected route: the caller must be authenticated by the authorizer scheme and pass
/// <see cref="RouteRuleCheck"/>, which re-checks the route against the store's route table, the principal's status
/// and (for a store key) the key's status on every request (<see cref="RouteRulesMiddleware"/>). The gateway decided
/// already; this is defence in depth and the bound on how long a revoked key or disabled principal keeps working.
/// </summary>
public static class RouteRulesPolicy
{
    /// <summary>Endpoint metadata read by <see cref="UseRouteRules"/>: the route table decides who may call this route.</summary>
    public static TBuilder RequireRouteRules<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RouteRulesMetadata.Instance);

    public static IServiceCollection AddRouteRulesPolicy(this IServiceCollection services)
    {
        services.TryAddSingleton<RegisteredIssuers>();                                 // the context's issuer still registered (run-time registry)
        services.TryAddSingleton<RouteRuleCheck>();                                    // stateless: its dependencies (store, clock, loggers) are singletons
        // No route uses the framework's authorization policies; should one, its default names the authorizer scheme:
        // on Lambda, HttpContext.User already holds the hosting's principal built from the authorizer context
        // (docs/wire-contracts.md §2.9), which a policy naming no scheme would accept as is.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(null)
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(ApiGatewayAuthorizerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().Build());
        return services;
    }

    /// <summary>Endpoints with <see cref="RequireRouteRules"/>: after UseAuthentication, before rate limiting and the endpoint.</summary>
    public static IApplicationBuilder UseRouteRules(this IApplicationBuilder app) => app.UseMiddleware<RouteRulesMiddleware>();
}
