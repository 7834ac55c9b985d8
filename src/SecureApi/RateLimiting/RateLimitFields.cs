using System.Globalization;
using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.RateLimiting;

/// <summary>
/// The RateLimit-Policy and RateLimit response fields of draft-ietf-httpapi-ratelimit-headers-10 (Structured Field
/// Lists of Items named by an sf-String): two policies, "burst" (q = burst, w = the rate window in seconds, rounded
/// up) and "quota" (q = quota, w = the length of the current day or month). RateLimit gives each policy's remaining
/// units (r) and seconds until it resets (t). Example: <c>RateLimit-Policy: "burst";q=20;w=2, "quota";q=10000;w=86400</c>,
/// <c>RateLimit: "burst";r=19;t=1, "quota";r=9999;t=41234</c>. See docs/rate-limits.md.
/// </summary>
public static class RateLimitFields
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string StateHeader = "RateLimit";

    public static string Policy(RatePlan plan, RateWindows windows) => string.Create(CultureInfo.InvariantCulture,
        $"\"burst\";q={plan.Burst};w={(plan.WindowMilliseconds + 999) / 1000}, \"quota\";q={plan.Quota};w={(long)(windows.PeriodEnd - windows.PeriodStart).TotalSeconds}");

    public static string State(RateLimitDecision d, DateTimeOffset now) => string.Create(CultureInfo.InvariantCulture,
        $"\"burst\";r={d.WindowRemaining};t={RateWindows.SecondsUntil(now, d.WindowResetsAt)}, \"quota\";r={d.QuotaRemaining};t={RateWindows.SecondsUntil(now, d.QuotaResetsAt)}");

    public static void Write(HttpResponse response, RateLimitDecision d, DateTimeOffset now)
    {
        response.Headers[PolicyHeader] = Policy(d.Plan, RateWindows.At(now, d.Plan));
        response.Headers[StateHeader] = State(d, now);
    }
}
