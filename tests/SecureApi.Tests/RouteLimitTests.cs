using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.RateLimiting;

namespace SecureApi.Tests;

/// <summary>A route limit's numbers inside a plan: absent fields take the plan's, and it can only be lower.</summary>
public sealed class RouteLimitTests
{
    private static readonly RatePlan Plan = new(RatePerSecond: 10, Burst: 20, Quota: 1000, QuotaPeriod.Month);

    [Fact]
    public void Absent_fields_take_the_plans_values_and_its_quota_period()
    {
        Assert.Equal(new RatePlan(1, 20, 1000, QuotaPeriod.Month), new RouteLimit("GET", "/protected", RatePerSecond: 1).Over(Plan));
        Assert.Equal(new RatePlan(10, 20, 50, QuotaPeriod.Month), new RouteLimit("GET", "/protected", Quota: 50).Over(Plan));
    }

    public static TheoryData<RouteLimit, string?> Rejections => new()
    {
        { new RouteLimit("GET", "/p"), null },                                  // sets nothing
        { new RouteLimit("GET", "/p", RatePerSecond: 11), "ratePerSecond" },    // above the plan's
        { new RouteLimit("GET", "/p", Burst: 21), "burst" },                    // above the plan's
        { new RouteLimit("GET", "/p", Quota: 1001), "quota" },                  // above the plan's
        { new RouteLimit("GET", "/p", Burst: 0), "burst" },                     // not a limit
        { new RouteLimit("GET", "/p", RatePerSecond: 5, Burst: 2), "burst" },   // window shorter than a second
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void A_route_limit_that_is_not_a_valid_lower_limit_names_its_field(RouteLimit limit, string? member)
    {
        var problems = limit.Problems(Plan);

        Assert.Contains(problems, p => p.Member == member);
    }

    [Fact]
    public void A_lower_or_equal_route_limit_has_no_problem()
    {
        Assert.Empty(new RouteLimit("GET", "/p", RatePerSecond: 1, Burst: 20, Quota: 1000).Problems(Plan));
    }

    [Fact]
    public void The_effective_plan_finds_a_routes_limit_by_exact_verb_and_route_pattern()
    {
        var plan = new EffectivePlan(Plan, [new RouteLimit("GET", "/protected/admin/principals/{principalId}", Quota: 5)]);

        Assert.Equal(5, plan.ForRoute("GET", "/protected/admin/principals/{principalId}")?.Quota);
        Assert.Null(plan.ForRoute("PUT", "/protected/admin/principals/{principalId}"));
        Assert.Null(plan.ForRoute("GET", "/protected/admin/principals/alice"));
    }
}
