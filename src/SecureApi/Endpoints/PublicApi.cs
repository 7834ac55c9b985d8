using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.RateLimiting;

namespace SecureApi.Endpoints;

/// <summary>GET /public: no authorizer, anyone may call it.</summary>
public static class PublicApi
{
    public const string ApiVersion = "1.0";

    public static RouteGroupBuilder MapPublicApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/public").WithTags("Public").AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicies.Plan);                                   // per source address
        group.MapGet("", GetStatus).WithName("GetPublicStatus").WithSummary("Service status; no authentication.");
        return group;
    }

    public static Results<Ok<PublicResponse>, ProblemHttpResult> GetStatus(HttpContext context, TimeProvider time) =>
        TypedResults.Ok(new PublicResponse(
            Message: "Welcome to the public API",
            Status: "operational",
            Timestamp: time.GetUtcNow().ToUnixTimeSeconds(),
            RequestId: RequestIds.For(context),
            PublicData: new PublicData(ApiVersion,
            [
                "GET /public",
                "GET /protected (requires auth: bearer token with permission 'read')",
                "GET /protected/admin (requires admin auth: API key, custom header or allowlisted IP with role 'admin')",
            ])));
}
