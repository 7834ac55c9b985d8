using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.Auth;

namespace SecureApi.Admin;

/// <summary>Endpoint metadata: this route belongs to the admin API (its route-table rule must require role admin).</summary>
public sealed class AdminApiMetadata
{
    public static AdminApiMetadata Instance { get; } = new();
    private AdminApiMetadata() { }
}

/// <summary>
/// What an admin may not do even with every right (docs/admin-api.md#guard-rails): lock itself out by disabling its
/// own principal or revoking the key it is calling with, or open the admin API to callers without role admin.
/// </summary>
internal static class AdminGuardRails
{
    public const string AdminRole = "admin";

    /// <summary>True when <paramref name="keyId"/> is the store key this request was authorized with.</summary>
    public static bool IsCallersKey(HttpContext context, string keyId) =>
        context.User.FindFirst(ApiGatewayAuthorizerClaimTypes.KeyId)?.Value is { Length: > 0 } own && string.Equals(own, keyId, StringComparison.Ordinal);

    /// <summary>409 whose title says why (the problem details setup drops every detail).</summary>
    public static ProblemHttpResult Refused(string why) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: why);
}
