using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.AuthorizationStore.Tests.RateLimits;

/// <summary>Where the windows of the algorithm begin and end (pure arithmetic on the clock).</summary>
public sealed class RateWindowsTests
{
    private static readonly RatePlan TenPerSecondBurstTwenty = new(10, 20, 100, QuotaPeriod.Day);

    [Fact]
    public void The_rate_window_lasts_burst_over_rate_seconds_and_every_process_numbers_it_the_same()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_999_999); // 1.999999e6 ms → window 999 of 2 s windows
        var w = RateWindows.At(at, TenPerSecondBurstTwenty);

        Assert.Equal(2000, TenPerSecondBurstTwenty.WindowMilliseconds);
        Assert.Equal(999, w.Window);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(2_000_000), w.WindowEnd);
        Assert.Equal(1000, RateWindows.At(at.AddMilliseconds(1), TenPerSecondBurstTwenty).Window);
    }

    [Fact]
    public void A_window_that_is_not_a_whole_millisecond_is_rounded_up_never_down()
    {
        Assert.Equal(3334, new RatePlan(3, 10, 100, QuotaPeriod.Day).WindowMilliseconds);
    }

    [Theory]
    [InlineData("2031-03-01T23:59:59.999Z", "day#2031-03-01", "2031-03-02T00:00:00Z")]
    [InlineData("2031-03-02T00:00:00.000Z", "day#2031-03-02", "2031-03-03T00:00:00Z")]
    [InlineData("2031-03-02T01:30:00+02:00", "day#2031-03-01", "2031-03-02T00:00:00Z")] // an offset is converted to UTC first
    public void A_daily_quota_period_is_the_calendar_utc_day(string now, string periodId, string end)
    {
        var w = RateWindows.At(DateTimeOffset.Parse(now), TenPerSecondBurstTwenty);
        Assert.Equal(periodId, w.PeriodId);
        Assert.Equal(DateTimeOffset.Parse(end), w.PeriodEnd);
    }

    [Theory]
    [InlineData("2031-02-28T23:59:59Z", "month#2031-02", "2031-03-01T00:00:00Z")]
    [InlineData("2031-12-31T23:59:59Z", "month#2031-12", "2032-01-01T00:00:00Z")]
    [InlineData("2032-01-01T00:00:00Z", "month#2032-01", "2032-02-01T00:00:00Z")]
    public void A_monthly_quota_period_is_the_calendar_utc_month(string now, string periodId, string end)
    {
        var w = RateWindows.At(DateTimeOffset.Parse(now), TenPerSecondBurstTwenty with { Period = QuotaPeriod.Month });
        Assert.Equal(periodId, w.PeriodId);
        Assert.Equal(DateTimeOffset.Parse(end), w.PeriodEnd);
    }

    [Theory]
    [InlineData(0, 1)]        // at the edge: still tell the client to wait a second, never 0
    [InlineData(1, 1)]
    [InlineData(1000, 1)]
    [InlineData(1001, 2)]     // rounded up: a client that waits the advertised time is never early
    public void Seconds_to_wait_are_rounded_up_and_at_least_one(int milliseconds, long seconds)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_000);
        Assert.Equal(seconds, RateWindows.SecondsUntil(now, now.AddMilliseconds(milliseconds)));
    }
}
