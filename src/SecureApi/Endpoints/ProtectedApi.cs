using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.Identity;

namespace SecureApi.Endpoints;

/// <summary>
/// GET /protected (TOKEN authorizer, permission read) and GET /protected/admin (REQUEST authorizer, role admin).
/// The gateway already decided; the policies re-check the same RouteRules here (defence in depth).
/// </summary>
public static class ProtectedApi
{
    public static RouteGroupBuilder MapProtectedApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/protected").WithTags("Protected").RequireAuthorization();
        group.MapGet("", GetProtected).WithName("GetProtected")
            .RequireAuthorization(RoutePolicies.For("GET", "/protected"))
            .WithSummary("Protected data at the caller's access level.");
        group.MapGet("/admin", GetAdmin).WithName("GetAdmin")
            .RequireAuthorization(RoutePolicies.For("GET", "/protected/admin"))
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
        // One pass over the claims (first value per type, every permission), instead of a search per type.
        string? principalId = null, role = null, authType = null, sourceIp = null;
        List<string> permissions = [];
        foreach (var claim in user.Claims)
        {
            // Case-insensitive, as ClaimsPrincipal.FindFirst/FindAll match claim types.
            var type = claim.Type;
            if (Is(type, ApiGatewayAuthorizerClaimTypes.PrincipalId)) principalId ??= claim.Value;
            else if (Is(type, ApiGatewayAuthorizerClaimTypes.Role)) role ??= claim.Value;
            else if (Is(type, ApiGatewayAuthorizerClaimTypes.Permission)) permissions.Add(claim.Value);
            else if (Is(type, ApiGatewayAuthorizerClaimTypes.AuthType)) authType ??= claim.Value;
            else if (Is(type, ApiGatewayAuthorizerClaimTypes.SourceIp)) sourceIp ??= claim.Value;
        }
        if (string.IsNullOrEmpty(principalId)) return null;
        return new Caller(principalId, role ?? "unknown", permissions, authType ?? "token", sourceIp ?? "unknown");
    }

    private static bool Is(string claimType, string expected) => string.Equals(claimType, expected, StringComparison.OrdinalIgnoreCase);

    // Unreachable behind the authorization policies; kept so a misconfiguration never serves an empty identity.
    private static ProblemHttpResult NoCaller() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
}
