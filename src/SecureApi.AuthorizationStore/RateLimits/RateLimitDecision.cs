namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>Why a request was refused, or None when it was admitted.</summary>
public enum RateLimitRefusal
{
    None,
    Rate,
    Quota,
}

/// <summary>
/// The answer to one "take one" on a partition's counters: admitted or which limit refused it, with the counts
/// after the decision (for the RateLimit response fields), when each window ends, and which quota period and rate
/// window it counted in (what <see cref="IRateLimitCounterStore.GiveBackAsync"/> needs to undo it).
/// </summary>
public readonly record struct RateLimitDecision(
    RateLimitRefusal Refusal, RatePlan Plan, long QuotaUsed, long WindowUsed, DateTimeOffset QuotaResetsAt, DateTimeOffset WindowResetsAt, long Window,
    string PeriodId)
{
    public bool Admitted => Refusal == RateLimitRefusal.None;
    public long QuotaRemaining => Math.Max(0, Plan.Quota - QuotaUsed);
    public long WindowRemaining => Math.Max(0, Math.Min(Plan.Burst - WindowUsed, QuotaRemaining));

    /// <summary>When trying again can succeed: the end of the rate window, or of the quota period when the quota is spent.</summary>
    public DateTimeOffset RetryAt => Refusal == RateLimitRefusal.Quota ? QuotaResetsAt : WindowResetsAt;
}

/// <summary>A partition's counts now (the admin usage view); zero counts when nothing was taken in the current windows.</summary>
public readonly record struct RateUsage(RatePlan Plan, long QuotaUsed, long WindowUsed, DateTimeOffset QuotaResetsAt, DateTimeOffset WindowResetsAt)
{
    public long QuotaRemaining => Math.Max(0, Plan.Quota - QuotaUsed);
    public long WindowRemaining => Math.Max(0, Plan.Burst - WindowUsed);
}
