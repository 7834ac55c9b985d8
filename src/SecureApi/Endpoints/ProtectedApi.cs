using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.Auth;
using SecureApi.AuthorizerContract;
using SecureApi.RateLimiting;

namespace SecureApi.Endpoints;

/// <summary>
/// GET /protected (TOKEN authorizer, permission read) and GET /protected/admin (REQUEST authorizer, role admin).
/// The gateway already decided; the route check re-checks the route table, principal and key here (defence in depth).
/// </summary>
public static class ProtectedApi
{
    public static RouteGroupBuilder MapProtectedApi(this IEndpointRouteBuilder app)
    {
        // The route rules policy once, on the group (as the admin and MFA APIs have it): it requires the authorizer
        // scheme's authenticated user too, so a second, default policy would only repeat that check on every request.
        var group = app.MapGroup("/protected").WithTags("Protected").RequireRouteRules()
            .RequireRateLimiting(RateLimitPolicies.Plan);                                   // per principal
        group.MapGet("", GetProtected).WithName("GetProtected")
            .BehindGatewayAuthorizer(AuthorizerNames.Token)
            .WithSummary("Protected data at the caller's access level.");
        group.MapGet("/admin", GetAdmin).WithName("GetAdmin")
            .BehindGatewayAuthorizer(AuthorizerNames.Request)
            .WithSummary("Administrative data.");
        return group;
    }

    public static Results<Ok<ProtectedResponse>, ProblemHttpResult> GetProtected(HttpContext context, TimeProvider time)
    {
        if (ToCaller(context.User) is not { } caller) return NoCaller();
        var records = caller.Role == "admin"
            ? (IReadOnlyList<string>)["customer-records", "billing-summary", "audit-trail"]
            : ["customer-records"];
        return TypedResults.Ok(new ProtectedResponse(
            Message: "Access granted to protected resource",
            User: caller,
            RequestId: RequestIds.For(context),
            Timestamp: time.GetUtcNow(),
            ProtectedData: new ProtectedData("This is confidential information", caller.Role, records)));
    }

    public static Results<Ok<AdminResponse>, ProblemHttpResult> GetAdmin(HttpContext context, TimeProvider time)
    {
        if (ToCaller(context.User) is not { } caller) return NoCaller();
        return TypedResults.Ok(new AdminResponse(
            Message: "Access granted to administrative resource",
            User: caller,
            RequestId: RequestIds.For(context),
            Timestamp: time.GetUtcNow(),
            AdminData: new AdminData(
                Environment: "secure-api",
                ManagedRoles: ["user", "admin"],
                ManagedPermissions: ["read", "write", "delete"],
                AuditNote: "Administrative access is audited by principalId")));
    }

    private static Caller? ToCaller(ClaimsPrincipal user)
    {
        if (ClaimValues.First(user, ApiGatewayAuthorizerClaimTypes.PrincipalId) is not { Length: > 0 } principalId) return null;
        return new Caller(
            principalId,
            ClaimValues.First(user, ApiGatewayAuthorizerClaimTypes.Role) ?? "unknown",
            ClaimValues.All(user, ApiGatewayAuthorizerClaimTypes.Permission),
            ClaimValues.First(user, ApiGatewayAuthorizerClaimTypes.AuthType) ?? "token",
            ClaimValues.First(user, ApiGatewayAuthorizerClaimTypes.SourceIp) ?? "unknown");
    }

    // Unreachable behind the authorization policies; kept so a misconfiguration never serves an empty identity.
    private static ProblemHttpResult NoCaller() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
}
