using System.Collections.Concurrent;

namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>
/// The counters of one process (`dotnet run`, tests, benchmarks): same algorithm and answers as the DynamoDB store,
/// one small lock per partition. One entry per partition, reset when its quota period changes.
/// </summary>
public sealed class InMemoryRateLimitCounterStore(TimeProvider time) : IRateLimitCounterStore
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public ValueTask<RateLimitDecision> TryTakeAsync(string partition, RatePlan plan, long lastWindow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var w = RateWindows.At(time.GetUtcNow(), plan);
        var counter = _counters.GetOrAdd(partition, static _ => new Counter());
        lock (counter)
        {
            counter.Roll(w);
            var refusal = counter.Used >= plan.Quota ? RateLimitRefusal.Quota
                : counter.WindowUsed >= plan.Burst ? RateLimitRefusal.Rate
                : RateLimitRefusal.None;
            if (refusal == RateLimitRefusal.None)
            {
                counter.Used++;
                counter.WindowUsed++;
            }
            return ValueTask.FromResult(new RateLimitDecision(refusal, plan, counter.Used, counter.WindowUsed, w.PeriodEnd, w.WindowEnd, w.Window, w.PeriodId));
        }
    }

    public ValueTask GiveBackAsync(string partition, RateLimitDecision taken, CancellationToken cancellationToken = default)
    {
        if (!taken.Admitted || !_counters.TryGetValue(partition, out var counter)) return ValueTask.CompletedTask;
        lock (counter)
        {
            if (counter.PeriodId != taken.PeriodId) return ValueTask.CompletedTask;
            if (counter.Used > 0) counter.Used--;
            if (counter.Window == taken.Window && counter.WindowUsed > 0) counter.WindowUsed--;
        }
        return ValueTask.CompletedTask;
    }

    public Task<RateUsage> GetUsageAsync(string partition, RatePlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var w = RateWindows.At(time.GetUtcNow(), plan);
        if (!_counters.TryGetValue(partition, out var counter)) return Task.FromResult(new RateUsage(plan, 0, 0, w.PeriodEnd, w.WindowEnd));
        lock (counter)
        {
            var used = counter.PeriodId == w.PeriodId ? counter.Used : 0;
            var windowUsed = counter.PeriodId == w.PeriodId && counter.Window == w.Window ? counter.WindowUsed : 0;
            return Task.FromResult(new RateUsage(plan, used, windowUsed, w.PeriodEnd, w.WindowEnd));
        }
    }

    private sealed class Counter
    {
        public string? PeriodId;
        public long Used;
        public long Window = -1;
        public long WindowUsed;

        public void Roll(RateWindows w)
        {
            if (PeriodId != w.PeriodId)
            {
                PeriodId = w.PeriodId;
                Used = 0;
                Window = -1;
            }
            // A window before the stored one (a clock stepping back) counts into the stored one: never a fresh burst.
            if (w.Window > Window)
            {
                Window = w.Window;
                WindowUsed = 0;
            }
        }
    }
}
