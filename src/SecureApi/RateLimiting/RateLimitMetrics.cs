using System.Diagnostics.Metrics;

namespace SecureApi.RateLimiting;

/// <summary>Rate limiting's instrument (meter <c>secureapi.ratelimiting</c>); docs/metrics.md.</summary>
internal static class RateLimitMetrics
{
    public const string MeterName = "secureapi.ratelimiting";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Rejections = Meter.CreateCounter<long>(
        "secureapi.ratelimit.rejections", "{request}", "429 answers by the policy that refused: burst, quota, route-burst, route-quota.");

    /// <param name="policy">The RateLimit field's policy name (<see cref="RateLimitFields.PolicyName"/>): a closed set.</param>
    public static void Rejected(string policy) => Rejections.Add(1, new KeyValuePair<string, object?>("policy", policy));
}
