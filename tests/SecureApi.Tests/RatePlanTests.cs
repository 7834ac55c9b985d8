using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.RateLimiting;

namespace SecureApi.Tests;

/// <summary>The plan policy's rules for a plan's numbers (PlanRules; moved here with it from the store).</summary>
public sealed class RatePlanTests
{
    [Theory]
    [InlineData(0, 20, 100, "day", "ratePerSecond")]
    [InlineData(10, 0, 100, "day", "burst")]
    [InlineData(10, 5, 100, "day", "burst")]           // a window shorter than a second cannot be advertised
    [InlineData(10, 20, 0, "day", "quota")]
    public void A_plan_out_of_range_names_the_field(int rate, int burst, long quota, string period, string field)
    {
        var plan = new RatePlan(rate, burst, quota, RatePlan.ParsePeriod(period)!.Value);
        Assert.Equal(["plan." + field], plan.Problems("plan.").Select(p => p.Field));
    }
}
