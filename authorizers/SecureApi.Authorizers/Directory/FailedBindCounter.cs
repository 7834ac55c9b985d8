using System.Security.Cryptography;
using System.Text;
using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.Authorizers.Directory;

/// <summary>
/// No lockout by proxy: at most <see cref="MaxFailures"/> failed checks per user name per <see cref="Window"/> leave
/// this authorizer, counted in the rate-limit counters of the authorization store (shared by every instance with a
/// table; per process without one). A check reserves one failure before it binds and gives it back when the password
/// was right, so concurrent guesses cannot overrun the limit. Windows are fixed 15-minute buckets; a check is allowed
/// only while the current and the previous bucket together hold fewer than five, so no 15-minute span holds more.
/// The counter is keyed by a hash of the user name as the directory compares it (case and repeated spaces ignored).
/// </summary>
internal sealed class FailedBindCounter(IRateLimitCounterStore counters, TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public readonly record struct Reservation(string Partition, RateLimitDecision Taken);

    /// <summary>A reserved failure, or null when the user name has none left (refuse without contacting the directory).</summary>
    public async ValueTask<Reservation?> TryReserveAsync(string userName, CancellationToken ct)
    {
        var user = UserKey(userName);
        var bucket = time.GetUtcNow().ToUnixTimeMilliseconds() / (long)Window.TotalMilliseconds;
        var previous = await counters.GetUsageAsync(Partition(bucket - 1, user), PlanFor(MaxFailures), ct).ConfigureAwait(false);
        var left = MaxFailures - previous.QuotaUsed;
        if (left <= 0) return null;
        var partition = Partition(bucket, user);
        var taken = await counters.TryTakeAsync(partition, PlanFor(left), lastWindow: -1, ct).ConfigureAwait(false);
        return taken.Admitted ? new Reservation(partition, taken) : null;
    }

    /// <summary>The password was right: the reserved failure did not happen.</summary>
    public ValueTask ReleaseAsync(Reservation reservation, CancellationToken ct) =>
        counters.GiveBackAsync(reservation.Partition, reservation.Taken, ct);

    // Quota = failures left in this bucket; the day's period never splits a bucket (a day is 96 of them). The rate
    // window (burst MaxFailures per 5 s) never refuses before the quota does.
    private static RatePlan PlanFor(long quota) => new(RatePerSecond: 1, Burst: MaxFailures, Quota: quota, Period: QuotaPeriod.Day);

    // '#'-separated like the limiter's partitions; "DIR#" cannot collide with "P#" or "IP#".
    private static string Partition(long bucket, string user) => $"DIR#{bucket}#{user}";

    // Lower-cased with runs of spaces as one: the spellings a directory's caseIgnoreMatch treats as the same name.
    private static string UserKey(string userName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join(' ', userName.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)))), 0, 16);
}
