using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Testing;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests.RateLimits;

/// <summary>
/// What every <see cref="IRateLimitCounterStore"/> must do, at the window edges, on a <see cref="ManualClock"/>;
/// run against the in-memory store and DynamoDB (moto).
/// </summary>
public abstract class RateLimitCounterStoreContract
{
    // 2 requests per 1 s window, 5 per day.
    protected static readonly RatePlan Small = new(2, 2, 5, QuotaPeriod.Day);
    protected ManualClock Clock { get; } = new(Start);

    protected abstract Task<IRateLimitCounterStore> CreateStoreAsync(TimeProvider clock);

    protected static async Task<List<RateLimitDecision>> TakeAsync(IRateLimitCounterStore store, string partition, RatePlan plan, int count)
    {
        var decisions = new List<RateLimitDecision>();
        var last = -1L;
        for (var i = 0; i < count; i++)
        {
            var d = await store.TryTakeAsync(partition, plan, last);
            last = d.Window;
            decisions.Add(d);
        }
        return decisions;
    }

    [Fact]
    public async Task A_principal_id_shaped_like_another_principals_route_counter_counts_on_its_own()
    {
        var store = await CreateStoreAsync(Clock);
        var forged = RateLimitPartitions.Principal("alice#R#GET /protected");
        var alicesRoute = RateLimitPartitions.Route(RateLimitPartitions.Principal("alice"), "GET", "/protected");

        await TakeAsync(store, forged, Small, 2);
        var alice = await store.TryTakeAsync(alicesRoute, Small, -1);

        Assert.NotEqual(alicesRoute, forged);
        Assert.True(alice.Admitted);
        Assert.Equal(1, alice.WindowRemaining);
    }

    [Fact]
    public async Task The_burst_is_admitted_and_the_next_request_in_the_window_is_refused_until_the_window_ends()
    {
        var store = await CreateStoreAsync(Clock);

        var d = await TakeAsync(store, "P#alice", Small, 3);

        Assert.Equal([true, true, false], d.Select(x => x.Admitted));
        Assert.Equal(RateLimitRefusal.Rate, d[2].Refusal);
        Assert.Equal(Start.AddSeconds(1), d[2].RetryAt);
        Assert.Equal(0, d[2].WindowRemaining);
        Assert.Equal(3, d[2].QuotaRemaining); // a refusal counts nothing
    }

    [Fact]
    public async Task The_last_millisecond_of_a_window_still_counts_in_it_and_the_next_one_starts_afresh()
    {
        var store = await CreateStoreAsync(Clock);
        await TakeAsync(store, "P#alice", Small, 2);

        Clock.Advance(TimeSpan.FromMilliseconds(999));
        var lastMillisecond = await store.TryTakeAsync("P#alice", Small, -1);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var nextWindow = await TakeAsync(store, "P#alice", Small, 3);

        Assert.Equal(RateLimitRefusal.Rate, lastMillisecond.Refusal);
        Assert.Equal([true, true, false], nextWindow.Select(x => x.Admitted));
    }

    [Fact]
    public async Task The_quota_refuses_across_windows_until_the_utc_day_ends_then_resets()
    {
        var store = await CreateStoreAsync(Clock);
        var taken = new List<RateLimitDecision>();
        for (var second = 0; second < 3; second++)
        {
            taken.AddRange(await TakeAsync(store, "P#alice", Small, 2));
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
        var endOfDay = new DateTimeOffset(Start.Year, Start.Month, Start.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1);
        Clock.Advance(endOfDay - Clock.GetUtcNow() - TimeSpan.FromMilliseconds(1));
        var lastMillisecondOfDay = await store.TryTakeAsync("P#alice", Small, -1);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var nextDay = await store.TryTakeAsync("P#alice", Small, -1);

        Assert.Equal(5, taken.Count(x => x.Admitted));
        Assert.Equal(RateLimitRefusal.Quota, taken[5].Refusal);
        Assert.Equal(endOfDay, taken[5].RetryAt);
        Assert.Equal(RateLimitRefusal.Quota, lastMillisecondOfDay.Refusal);
        Assert.True(nextDay.Admitted);
        Assert.Equal(1, nextDay.QuotaUsed);
    }

    [Fact]
    public async Task A_monthly_quota_carries_over_days_and_resets_on_the_first_of_the_month()
    {
        var store = await CreateStoreAsync(Clock);
        var monthly = Small with { Quota = 2, Period = QuotaPeriod.Month };
        await TakeAsync(store, "P#alice", monthly, 2);
        Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await store.TryTakeAsync("P#alice", monthly, -1);
        Clock.Advance(TimeSpan.FromDays(31)); // Start is 1 March: now in April
        var nextMonth = await store.TryTakeAsync("P#alice", monthly, -1);

        Assert.Equal(RateLimitRefusal.Quota, nextDay.Refusal);
        Assert.True(nextMonth.Admitted);
    }

    [Fact]
    public async Task Partitions_count_apart()
    {
        var store = await CreateStoreAsync(Clock);

        var alice = await TakeAsync(store, "P#alice", Small, 3);
        var bob = await TakeAsync(store, "P#bob", Small, 2);
        var address = await TakeAsync(store, "IP#198.51.100.10", Small, 2);

        Assert.Equal(2, alice.Count(x => x.Admitted));
        Assert.All(bob.Concat(address), x => Assert.True(x.Admitted));
    }

    [Fact]
    public async Task A_wrong_window_hint_changes_nothing_but_the_cost()
    {
        var store = await CreateStoreAsync(Clock);
        var first = await store.TryTakeAsync("P#alice", Small, lastWindow: 12345);   // says "same window": wrong, nothing stored
        var second = await store.TryTakeAsync("P#alice", Small, lastWindow: -1);     // says "new window": wrong, already rolled
        var third = await store.TryTakeAsync("P#alice", Small, lastWindow: first.Window);

        Assert.Equal([true, true, false], new[] { first.Admitted, second.Admitted, third.Admitted });
        Assert.Equal(2, third.QuotaUsed);
    }

    [Fact]
    public async Task A_count_given_back_in_its_window_frees_its_place_in_the_window_and_the_quota()
    {
        var store = await CreateStoreAsync(Clock);
        var taken = await TakeAsync(store, "P#alice#R#GET /protected", Small, 2);

        await store.GiveBackAsync("P#alice#R#GET /protected", taken[1]);
        var usage = await store.GetUsageAsync("P#alice#R#GET /protected", Small);
        var again = await TakeAsync(store, "P#alice#R#GET /protected", Small, 2);

        Assert.Equal((1, 1), (usage.QuotaUsed, usage.WindowUsed));
        Assert.Equal([true, false], again.Select(x => x.Admitted));
    }

    [Fact]
    public async Task A_count_given_back_after_its_window_ended_lowers_only_the_quota()
    {
        var store = await CreateStoreAsync(Clock);
        var earlier = await store.TryTakeAsync("P#alice", Small, -1);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await TakeAsync(store, "P#alice", Small, 2);

        await store.GiveBackAsync("P#alice", earlier);
        var usage = await store.GetUsageAsync("P#alice", Small);

        Assert.Equal((2, 2), (usage.QuotaUsed, usage.WindowUsed));
    }

    [Fact]
    public async Task Giving_back_a_refusal_changes_nothing_and_a_count_never_goes_below_zero()
    {
        var store = await CreateStoreAsync(Clock);
        var taken = await TakeAsync(store, "P#alice", Small, 3);

        await store.GiveBackAsync("P#alice", taken[2]); // a refusal: nothing to give back
        await store.GiveBackAsync("P#alice", taken[0]);
        await store.GiveBackAsync("P#alice", taken[1]);
        await store.GiveBackAsync("P#alice", taken[1]); // once too often: stays at zero
        var usage = await store.GetUsageAsync("P#alice", Small);

        Assert.Equal((0, 0), (usage.QuotaUsed, usage.WindowUsed));
    }

    [Fact]
    public async Task Usage_reports_the_counts_of_the_current_windows_without_counting()
    {
        var store = await CreateStoreAsync(Clock);
        await TakeAsync(store, "P#alice", Small, 2);

        var now = await store.GetUsageAsync("P#alice", Small);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var nextWindow = await store.GetUsageAsync("P#alice", Small);
        var nobody = await store.GetUsageAsync("P#nobody", Small);

        Assert.Equal((2, 2, 3, 0), (now.QuotaUsed, now.WindowUsed, now.QuotaRemaining, now.WindowRemaining));
        Assert.Equal((2, 0), (nextWindow.QuotaUsed, nextWindow.WindowUsed));
        Assert.Equal((0, 0, 5), (nobody.QuotaUsed, nobody.WindowUsed, nobody.QuotaRemaining));
    }

    [Fact]
    public async Task Concurrent_takes_never_admit_more_than_the_quota_and_never_lose_a_count()
    {
        var plan = new RatePlan(1000, 1000, 50, QuotaPeriod.Day);
        var stores = new[] { await CreateSharedStoreAsync(Clock), await CreateSharedStoreAsync(Clock), await CreateSharedStoreAsync(Clock) };

        var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(async () => await stores[i % stores.Length].TryTakeAsync("P#alice", plan, -1))));
        var usage = await stores[0].GetUsageAsync("P#alice", plan);

        Assert.Equal(50, decisions.Count(d => d.Admitted));
        Assert.All(decisions.Where(d => !d.Admitted), d => Assert.Equal(RateLimitRefusal.Quota, d.Refusal));
        Assert.Equal(50, usage.QuotaUsed);
    }

    /// <summary>Another handle on the same counters (another process's view): for DynamoDB a new client on the same table.</summary>
    protected abstract Task<IRateLimitCounterStore> CreateSharedStoreAsync(TimeProvider clock);
}

public sealed class InMemoryRateLimitCounterStoreTests : RateLimitCounterStoreContract
{
    private InMemoryRateLimitCounterStore? _shared;

    protected override Task<IRateLimitCounterStore> CreateStoreAsync(TimeProvider clock) =>
        Task.FromResult<IRateLimitCounterStore>(new InMemoryRateLimitCounterStore(clock));

    protected override Task<IRateLimitCounterStore> CreateSharedStoreAsync(TimeProvider clock) =>
        Task.FromResult<IRateLimitCounterStore>(_shared ??= new InMemoryRateLimitCounterStore(clock));
}
