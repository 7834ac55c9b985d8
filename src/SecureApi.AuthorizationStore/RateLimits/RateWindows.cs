using System.Globalization;

namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>
/// The windows one request falls into: the quota period (calendar UTC day or month, named by its id) and the rate
/// window (index = Unix milliseconds / window length, so every process computes the same index from its clock).
/// </summary>
public readonly record struct RateWindows(string PeriodId, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, long Window, DateTimeOffset WindowEnd)
{
    // The current day's and month's ids, built once per period instead of formatted on every request.
    private sealed record PeriodName(DateTimeOffset Start, string Id);
    private static PeriodName? s_day, s_month;

    public static RateWindows At(DateTimeOffset now, RatePlan plan)
    {
        var utc = now.ToUniversalTime();
        DateTimeOffset start, end;
        string id;
        if (plan.Period == QuotaPeriod.Month)
        {
            start = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
            end = start.AddMonths(1);
            id = Name(ref s_month, start, "month#", "yyyy-MM");
        }
        else
        {
            start = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
            end = start.AddDays(1);
            id = Name(ref s_day, start, "day#", "yyyy-MM-dd");
        }
        var windowMs = plan.WindowMilliseconds;
        var window = utc.ToUnixTimeMilliseconds() / windowMs;
        var windowEnd = DateTimeOffset.FromUnixTimeMilliseconds((window + 1) * windowMs);
        return new RateWindows(id, start, end, window, windowEnd);
    }

    private static string Name(ref PeriodName? cache, DateTimeOffset start, string prefix, string format)
    {
        var name = Volatile.Read(ref cache);
        if (name is null || name.Start != start)
            Volatile.Write(ref cache, name = new PeriodName(start, prefix + start.ToString(format, CultureInfo.InvariantCulture)));
        return name.Id;
    }

    /// <summary>The same quota period with a later rate window (one another process's clock already reached).</summary>
    public RateWindows Later(long window, RatePlan plan) =>
        window <= Window ? this : this with { Window = window, WindowEnd = DateTimeOffset.FromUnixTimeMilliseconds((window + 1) * plan.WindowMilliseconds) };

    /// <summary>Whole seconds from <paramref name="now"/> to <paramref name="until"/>, rounded up, at least 1 (Retry-After, RateLimit t).</summary>
    public static long SecondsUntil(DateTimeOffset now, DateTimeOffset until) => WaitSeconds(until - now);

    /// <summary>
    /// The one rounding of a wait into whole seconds, for every Retry-After and RateLimit t the API writes: rounded up
    /// (a client that waits as told is never early) and at least 1 (0 would invite an immediate retry).
    /// </summary>
    public static long WaitSeconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
}
