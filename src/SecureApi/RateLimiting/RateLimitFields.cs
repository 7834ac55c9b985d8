using System.Globalization;
using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.RateLimiting;

/// <summary>
/// The RateLimit-Policy and RateLimit response fields of draft-ietf-httpapi-ratelimit-headers-10 (Structured Field
/// Lists of Items named by an sf-String): the plan's two policies, "burst" (q = burst, w = the rate window in
/// seconds, rounded up) and "quota" (q = quota, w = the length of the current day or month), and on a route with a
/// lower limit that route's "route-burst" and "route-quota". RateLimit gives each policy's remaining units (r) and
/// seconds until it resets (t), for the counters this request was checked against (a refusal by the route limit
/// never reached the plan's). Example: <c>RateLimit-Policy: "burst";q=20;w=2, "quota";q=10000;w=86400</c>,
/// <c>RateLimit: "burst";r=19;t=1, "quota";r=9999;t=41234</c>. See docs/rate-limits.md.
/// </summary>
public static class RateLimitFields
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string StateHeader = "RateLimit";
    private const string RoutePrefix = "route-";

    /// <summary>The policy name a refusal reports in the 429 body's "policy": burst, quota, route-burst or route-quota.</summary>
    public static string PolicyName(RateLimitDecision refused, bool onRoute) =>
        (onRoute ? RoutePrefix : "") + (refused.Refusal == RateLimitRefusal.Quota ? "quota" : "burst");

    public static string Policy(RatePlan plan, RateWindows windows, string prefix = "") => string.Create(CultureInfo.InvariantCulture,
        $"\"{prefix}burst\";q={plan.Burst};w={(plan.WindowMilliseconds + 999) / 1000}, \"{prefix}quota\";q={plan.Quota};w={(long)(windows.PeriodEnd - windows.PeriodStart).TotalSeconds}");

    public static string State(RateLimitDecision d, DateTimeOffset now, string prefix = "") => string.Create(CultureInfo.InvariantCulture,
        $"\"{prefix}burst\";r={d.WindowRemaining};t={RateWindows.SecondsUntil(now, d.WindowResetsAt)}, \"{prefix}quota\";r={d.QuotaRemaining};t={RateWindows.SecondsUntil(now, d.QuotaResetsAt)}");

    /// <param name="plan">The plan's overall limits (always listed in RateLimit-Policy).</param>
    /// <param name="overall">The plan's counters after this request; null when the route limit refused first.</param>
    /// <param name="route">The route limit's counters; null on a route without one.</param>
    public static void Write(HttpResponse response, RatePlan plan, RateLimitDecision? overall, RateLimitDecision? route, DateTimeOffset now)
    {
        response.Headers[PolicyHeader] = PolicyText.For(plan, route?.Plan, now);
        response.Headers[StateHeader] = (overall, route) switch
        {
            ({ } o, { } rt) => State(o, now) + ", " + State(rt, now, RoutePrefix),
            ({ } o, null) => State(o, now),
            (null, { } rt) => State(rt, now, RoutePrefix),
            _ => default,
        };
    }

    /// <summary>The RateLimit-Policy text of the plan (and route limit) last written: it changes only with the plan or the quota period's length.</summary>
    private sealed record PolicyText(RatePlan Plan, RatePlan? Route, DateTimeOffset PeriodStart, string Text)
    {
        [ThreadStatic] private static PolicyText? t_last;

        public static string For(RatePlan plan, RatePlan? route, DateTimeOffset now)
        {
            var windows = RateWindows.At(now, plan);
            if (t_last is { } last && last.PeriodStart == windows.PeriodStart && last.Plan == plan && last.Route == route) return last.Text;
            var text = Policy(plan, windows);
            if (route is { } r) text += ", " + Policy(r, RateWindows.At(now, r), RoutePrefix);
            t_last = new PolicyText(plan, route, windows.PeriodStart, text);
            return text;
        }
    }
}
