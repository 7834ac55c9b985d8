using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using SecureApi.Auth;
using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.RateLimiting;

/// <summary>
/// The "plan" policy routes name with <c>.RequireRateLimiting(RateLimitPolicies.Plan)</c>: one partition per
/// principal the authorizer scheme authenticated (its principalId from the authorizer context), else per source
/// address — the TCP peer API Gateway saw (requestContext.identity.sourceIp, which the Lambda hosting puts in
/// Connection.RemoteIpAddress; never X-Forwarded-For). Each partition's limiter counts in the shared store.
/// </summary>
internal sealed class PlanRateLimiterPolicy(RateLimiterServices services) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null; // RateLimiterOptions.OnRejected answers

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        if (!services.Options.Enabled) return RateLimitPartition.GetNoLimiter("off");
        // The principal an authentication scheme established, not HttpContext.User as such: on Lambda the hosting fills
        // User from the authorizer context even when the scheme refused it (docs/wire-contracts.md §2.9).
        if (httpContext.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Principal is { } authenticated &&
            ClaimValues.First(authenticated, ApiGatewayAuthorizerClaimTypes.PrincipalId) is { Length: > 0 } principalId)
            return RateLimitPartition.Get(RateLimitPartitions.Principal(principalId), key => new StoreBackedRateLimiter(key, principalId, services));
        var address = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.Get(RateLimitPartitions.SourceIp(address), key => new StoreBackedRateLimiter(key, null, services));
    }
}
