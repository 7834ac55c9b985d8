using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using SecureApi.AuthorizationStore.DynamoDb;
using static SecureApi.AuthorizationStore.DynamoDb.ItemMapper;

namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>
/// The counters on the authorization store's table: one item per partition and quota period
/// (PK = RATE#&lt;partition&gt;, SK = QUOTA#day#2026-12-01 or QUOTA#month#2026-12) holding the period's count
/// (<c>used</c>), the current rate window's index (<c>win</c>) and its count (<c>winUsed</c>, kept also under an
/// attribute named by the window, <c>c&lt;win&gt;</c>); TTL removes it a day after its period. An admitted request is
/// ONE conditional UpdateItem (<see cref="RateCounterUpdates"/>), "count": it opens the request's window if the stored
/// one is older or absent, else counts in it; <c>if_not_exists(c&lt;w&gt;)</c> tells the two apart, so whether
/// another process opened the window or not needs no guess and no second write. A failed condition returns the
/// stored item (ReturnValuesOnConditionCheckFailure), which says why: a limit (the decision), or a later window than
/// the request expected (another writer's clock, or a write that straddled an edge). Then "window stored" —
/// <c>ADD used :1, winUsed :1</c> if <c>win &gt;= :w AND winUsed &lt; :burst AND used &lt; :quota</c> — counts it in
/// that later window, never a fresh one, and can only fail on the limits, as the stored window only grows
/// (docs/rate-limits.md, "Under contention"). DynamoDB applies each update atomically, so concurrent processes never admit more than the limits
/// and never lose a count.
/// </summary>
public sealed class DynamoDbRateLimitCounterStore : IRateLimitCounterStore
{
    private const int MaxAttempts = 3;
    /// <summary>Earlier windows' named counts an item may carry before a take removes them (keeps the item far below 1 KB).</summary>
    internal const int MaxLeftovers = 8;

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly TimeProvider _time;
    private readonly BoundedCall _bounded;
    private readonly TimeSpan _budget;
    private long _writes, _secondWrites;

    /// <param name="budget">Bound on one decision including retries; past it the call throws AuthorizationStoreUnavailableException.</param>
    public DynamoDbRateLimitCounterStore(IAmazonDynamoDB client, string tableName, TimeProvider time, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        ArgumentNullException.ThrowIfNull(time);
        _client = client;
        _table = tableName;
        _time = time;
        _bounded = new BoundedCall(budget);
        _budget = budget;
    }

    /// <summary>The client it was given (the authorization store's, through <see cref="RateLimitCounterStoreFactory"/>).</summary>
    internal IAmazonDynamoDB Client => _client;

    /// <summary>UpdateItem calls sent so far, admitted or not (the writes-per-request figure of the benchmarks).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Of <see cref="Writes"/>, the takes' second and third shapes (a wrong guess, or another writer rolled the window in between).</summary>
    public long SecondWrites => Interlocked.Read(ref _secondWrites);

    public async ValueTask<RateLimitDecision> TryTakeAsync(string partition, RatePlan plan, long lastWindow, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(partition);
        ArgumentNullException.ThrowIfNull(plan);
        Dictionary<string, AttributeValue>? item = null; // the admitted write's item, for the leftovers below
        var decision = await _bounded.RunAsync("TakeRateLimit", async ct =>
        {
            var w = RateWindows.At(_time.GetUtcNow(), plan);
            var key = Key(TableKeys.RateCounter(partition), TableKeys.RateCounterPeriod(w.PeriodId));
            if (lastWindow > w.Window) w = w.Later(lastWindow, plan); // this process already saw a later window stored
            // "Count" in the window this request expects. Not "window stored" even when this process saw this window:
            // that shape counts in whatever window is stored, and when a later one was opened meanwhile (a write that
            // straddles an edge) it would leave the later window's named count behind winUsed, failing every
            // process's next "count" there once. A failed write's item says which side holds; "window stored" then
            // fails only on the limits, as the stored window only grows: a decision within two writes.
            var request = RateCounterUpdates.Count(_table, key, w, plan, lastWindow);
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                if (attempt > 0) Interlocked.Increment(ref _secondWrites);
                var (admitted, stored) = await TryUpdateAsync(request, ct).ConfigureAwait(false);
                var (used, win, winUsed) = Read(stored);
                if (win > w.Window) w = w.Later(win, plan); // a writer whose clock read is later opened a newer window: count there, never a fresh one
                if (admitted)
                {
                    item = stored;
                    return Decision(RateLimitRefusal.None, used, winUsed);
                }
                if (used >= plan.Quota) return Decision(RateLimitRefusal.Quota, used, win == w.Window ? winUsed : 0);
                if (win == w.Window && winUsed >= plan.Burst) return Decision(RateLimitRefusal.Rate, used, winUsed);
                request = win >= w.Window
                    ? RateCounterUpdates.Stored(_table, key, w, plan, win)
                    : RateCounterUpdates.New(_table, key, w, plan, win);
            }
            // Unreachable with a store that applies each conditional write atomically (see above).
            throw new AuthorizationStoreConflictException("The rate-limit counter did not settle within three conditional writes.");

            RateLimitDecision Decision(RateLimitRefusal why, long used, long winUsed) =>
                new(why, plan, used, winUsed, w.PeriodEnd, w.WindowEnd, w.Window, w.PeriodId);
        }, cancellationToken).ConfigureAwait(false);
        if (item is not null) await RemoveLeftoversAsync(partition, decision, item, cancellationToken).ConfigureAwait(false);
        return decision;
    }

    /// <summary>
    /// Past <see cref="MaxLeftovers"/> earlier windows' counts (each left by a process that opened a window without
    /// knowing the one before), one more write removes them; below that they wait, so this stays rare. Outside the
    /// decision's budget and best effort: the request is already counted, so a slow or failed removal must not turn
    /// its admission into a 503; the next take that sees the leftovers tries again (or TTL removes the item).
    /// </summary>
    private async Task RemoveLeftoversAsync(string partition, RateLimitDecision decision, Dictionary<string, AttributeValue> item, CancellationToken cancellationToken)
    {
        if (RateCounterUpdates.Leftovers(item, decision.Window) is not { Count: > MaxLeftovers } leftovers) return;
        var key = Key(TableKeys.RateCounter(partition), TableKeys.RateCounterPeriod(decision.PeriodId));
        Interlocked.Increment(ref _writes);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_budget);
        try
        {
            await _client.UpdateItemAsync(RateCounterUpdates.RemoveLeftovers(_table, key, leftovers), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
        }
    }

    public async ValueTask GiveBackAsync(string partition, RateLimitDecision taken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(partition);
        if (!taken.Admitted) return;
        await _bounded.RunAsync("GiveBackRateLimit", async ct =>
        {
            // Same window still stored: one less in both counts; the window has moved on: one less in the period only.
            // Each shape is conditional, so a count never goes below zero and a later window's count is never touched.
            var key = Key(TableKeys.RateCounter(partition), TableKeys.RateCounterPeriod(taken.PeriodId));
            return await TryGiveBackAsync(key, taken.Window, inWindow: true, ct).ConfigureAwait(false)
                || await TryGiveBackAsync(key, taken.Window, inWindow: false, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> TryGiveBackAsync(Dictionary<string, AttributeValue> key, long window, bool inWindow, CancellationToken ct)
    {
        Interlocked.Increment(ref _writes);
        try
        {
            await _client.UpdateItemAsync(RateCounterUpdates.GiveBack(_table, key, window, inWindow), ct).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public Task<RateUsage> GetUsageAsync(string partition, RatePlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(partition);
        ArgumentNullException.ThrowIfNull(plan);
        return _bounded.RunAsync("GetRateLimitUsage", async ct =>
        {
            var w = RateWindows.At(_time.GetUtcNow(), plan);
            var response = await _client.GetItemAsync(new GetItemRequest
            {
                TableName = _table,
                Key = Key(TableKeys.RateCounter(partition), TableKeys.RateCounterPeriod(w.PeriodId)),
                ConsistentRead = true,
            }, ct).ConfigureAwait(false);
            var (used, win, winUsed) = Read(response.Item);
            return new RateUsage(plan, used, win == w.Window ? winUsed : 0, w.PeriodEnd, w.WindowEnd);
        }, cancellationToken);
    }

    /// <summary>One conditional UpdateItem: (true, new item) when it counted, (false, stored item) when its condition failed.</summary>
    private async Task<(bool Admitted, Dictionary<string, AttributeValue>? Item)> TryUpdateAsync(UpdateItemRequest request, CancellationToken ct)
    {
        Interlocked.Increment(ref _writes);
        try
        {
            var response = await _client.UpdateItemAsync(request, ct).ConfigureAwait(false);
            return (true, response.Attributes);
        }
        catch (ConditionalCheckFailedException e)
        {
            return (false, e.Item);
        }
    }

    private static (long Used, long Window, long WindowUsed) Read(Dictionary<string, AttributeValue>? item) =>
        item is null || item.Count == 0 ? (0, -1, 0) : (Number(item, "used"), Number(item, "win"), Number(item, "winUsed"));

    private static long Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.N is { } n ? long.Parse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
}
