using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SecureApi.Auth;
using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.RateLimiting;

/// <summary>
/// The "plan" policy routes name with <c>.RequireRateLimiting(RateLimitPolicies.Plan)</c>: one partition per
/// authenticated principal (its principalId from the authorizer context), else per source address — the TCP peer
/// API Gateway saw (requestContext.identity.sourceIp, which the Lambda hosting puts in Connection.RemoteIpAddress;
/// never X-Forwarded-For). Each partition's limiter counts in the shared store.
/// </summary>
internal sealed class PlanRateLimiterPolicy(RateLimiterServices services) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null; // RateLimiterOptions.OnRejected answers

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        if (!services.Options.Enabled) return RateLimitPartition.GetNoLimiter("off");
        if (httpContext.User.FindFirst(ApiGatewayAuthorizerClaimTypes.PrincipalId)?.Value is { Length: > 0 } principalId)
            return RateLimitPartition.Get(RateLimitPartitions.Principal(principalId), key => new StoreBackedRateLimiter(key, principalId, services));
        var address = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.Get(RateLimitPartitions.SourceIp(address), key => new StoreBackedRateLimiter(key, null, services));
    }
}
