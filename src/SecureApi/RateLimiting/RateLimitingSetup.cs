using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Setup;

namespace SecureApi.RateLimiting;

/// <summary>Names of the rate-limiting policies routes declare in the route table.</summary>
public static class RateLimitPolicies
{
    /// <summary>The caller's plan: per principal, or per source address on public routes.</summary>
    public const string Plan = "plan";
}

/// <summary>
/// Per-principal rate limits and quotas through ASP.NET Core's rate limiting, counted in the authorization store
/// (DynamoDB: one conditional UpdateItem per admitted request; in-memory for `dotnet run`). Refused → 429
/// application/problem+json with Retry-After; counter store down → OnStoreFailure (503 + Retry-After by default).
/// Every limited response carries RateLimit-Policy and RateLimit. See docs/rate-limits.md.
/// </summary>
public static class RateLimitingSetup
{
    public static IServiceCollection AddSecureApiRateLimiting(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.TryAddSingleton(sp => RateLimitOptions.FromConfiguration(
            sp.GetRequiredService<IConfiguration>().GetSection(RateLimitOptions.SectionName)));
        services.TryAddSingleton(sp => RateLimitCounterStoreFactory.Create(
            sp.CheckedStoreOptions(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RateLimitOptions>().Timeout,
            sp.GetRequiredService<IAuthorizationStore>()));
        services.TryAddSingleton<RatePlans>();
        services.TryAddSingleton<IPrincipalPlans>(sp => sp.GetRequiredService<RatePlans>());
        services.TryAddSingleton<RateLimiterServices>();
        services.TryAddSingleton<PlanRateLimiterPolicy>();
        services.AddTransient<IStartupFilter, RateLimitStartup>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            o.AddPolicy(RateLimitPolicies.Plan, sp.GetRequiredService<PlanRateLimiterPolicy>());
            o.OnRejected = RateLimitRejection.WriteAsync;
        });
        return services;
    }

    /// <summary>
    /// Invalid settings stop the host at start with a message naming them; the counter store is built before the
    /// first request. A startup filter, not a hosted service: the default plan's route limits are checked against
    /// the mapped routes, which the endpoint data source holds only once the pipeline is built (by next).
    /// </summary>
    private sealed class RateLimitStartup : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var services = app.ApplicationServices;
            var options = services.GetRequiredService<RateLimitOptions>();
            options.ThrowIfInvalid();
            next(app);
            options.ThrowIfInvalidRoutes(EndpointRoutes.RateLimited(services.GetRequiredService<EndpointDataSource>()));
            services.GetRequiredService<IRateLimitCounterStore>();
        };
    }
}

/// <summary>The answers to a refused request: 429 (a limit) or 503 (the counter store did not answer, fail closed).</summary>
internal static class RateLimitRejection
{
    public static async ValueTask WriteAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        if (rejected.Lease is not RefusedLease refused)
        {
            await StoreProblems.WriteUnavailableAsync(context);
            return;
        }
        var decision = refused.Decision;
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var retryAfter = RateWindows.SecondsUntil(now, decision.RetryAt);
        var problem = new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too Many Requests", Type = "https://tools.ietf.org/html/rfc6585#section-4" },
        };
        // Which of the RateLimit field's policies refused: "burst" (wait for the rate window) or "quota" (wait for the
        // period), "route-" + either when the route's lower limit refused.
        var policy = RateLimitFields.PolicyName(decision, refused.OnRoute);
        problem.ProblemDetails.Extensions["policy"] = policy;
        RateLimitMetrics.Rejected(policy);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        RetryAfter.Write(context.Response, retryAfter);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(problem);
    }
}
