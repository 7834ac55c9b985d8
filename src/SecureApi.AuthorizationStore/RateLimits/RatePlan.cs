namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>Calendar UTC period of a quota.</summary>
public enum QuotaPeriod
{
    Day,
    Month,
}

/// <summary>
/// A resolved plan: at most <see cref="Burst"/> requests per rate window of Burst / RatePerSecond seconds (so
/// RatePerSecond on average) and at most <see cref="Quota"/> per calendar UTC day or month. See docs/rate-limits.md.
/// </summary>
public sealed record RatePlan(int RatePerSecond, int Burst, long Quota, QuotaPeriod Period)
{
    public const int MaxRatePerSecond = 100_000;
    public const int MaxBurst = 1_000_000;
    public const long MaxQuota = 1_000_000_000_000;

    /// <summary>Rate window length in milliseconds: Burst / RatePerSecond seconds, rounded up to a whole millisecond.</summary>
    public long WindowMilliseconds => ((long)Burst * 1000 + RatePerSecond - 1) / RatePerSecond;

    public static string PeriodText(QuotaPeriod period) => period == QuotaPeriod.Month ? "month" : "day";

    public static QuotaPeriod? ParsePeriod(string? text) => text switch
    {
        "day" => QuotaPeriod.Day,
        "month" => QuotaPeriod.Month,
        _ => null,
    };
}

/// <summary>
/// A principal's own plan as stored: each field optional, an absent one takes the default plan's value (so a
/// changed default reaches every principal that did not set that field). <see cref="Routes"/> present (even empty)
/// replaces the default plan's route limits; absent keeps them. Only the stored shape lives here: how it resolves
/// and which numbers are valid is the API's plan policy (SecureApi.RateLimiting.PlanRules).
/// </summary>
public sealed record RatePlanOverride(int? RatePerSecond = null, int? Burst = null, long? Quota = null, QuotaPeriod? Period = null,
    IReadOnlyList<RouteLimit>? Routes = null)
{
    public bool IsEmpty => RatePerSecond is null && Burst is null && Quota is null && Period is null && Routes is null;
}
