using System.Collections.Concurrent;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;
using static SecureApi.AuthorizationStore.DynamoDb.ItemMapper;

namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>
/// The counters on the authorization store's table: one item per partition and quota period
/// (PK = RATE#&lt;partition&gt;, SK = QUOTA#day#2026-12-01 or QUOTA#month#2026-12) holding the period's count
/// (<c>used</c>), the current rate window's index (<c>win</c>) and its count (<c>winUsed</c>); TTL removes it a day
/// after its period. An admitted request is ONE conditional UpdateItem, in one of two shapes:
/// <list type="bullet">
/// <item>window stored: <c>ADD used :1, winUsed :1</c> if <c>win &gt;= :w AND winUsed &lt; :burst AND used &lt; :quota</c>
/// (the stored window is this one, or a later one another writer opened: the request counts there);</item>
/// <item>new window: <c>SET win = :w, winUsed = :1 ADD used :1</c> if the stored window is older (or absent) and <c>used &lt; :quota</c>.</item>
/// </list>
/// The shape is chosen from the window this process last saw; when the guess is wrong the failed condition returns
/// the stored item (ReturnValuesOnConditionCheckFailure) and the other shape is tried. The two conditions split on
/// the stored window, which only grows, so every request is decided within three writes however many race it
/// (docs/rate-limits.md, "Under contention"). DynamoDB applies each update atomically, so concurrent processes never
/// admit more than the limits and never lose a count.
/// </summary>
public sealed class DynamoDbRateLimitCounterStore : IRateLimitCounterStore
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan TtlMargin = TimeSpan.FromDays(1);
    private static readonly AttributeValue One = N(1);

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly TimeProvider _time;
    private readonly BoundedCall _bounded;
    private long _writes, _secondWrites;

    // This process's takes whose "new window" guess is in flight, per counter item: a concurrent take of the same item
    // in the same process waits for that one write and then knows the stored window, instead of racing it with the
    // same guess (which all but one writer lose, at a second write each).
    private readonly ConcurrentDictionary<string, Opening> _openings = new(StringComparer.Ordinal);
    private sealed class Opening(long window)
    {
        public long Window => window;
        public TaskCompletionSource<long> StoredWindow { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

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
        return await _bounded.RunAsync("TakeRateLimit", async ct =>
        {
            var w = RateWindows.At(_time.GetUtcNow(), plan);
            var key = Key(TableKeys.RateCounter(partition), TableKeys.RateCounterPeriod(w.PeriodId));
            var stored = lastWindow >= w.Window; // the guess: someone already opened this window (or a later one)
            var opening = stored ? null : partition + "|" + w.PeriodId;
            Opening? mine = null;
            if (opening is not null) (stored, mine) = await JoinOrOpenAsync(opening, w.Window, ct).ConfigureAwait(false);
            try
            {
                // The two shapes' conditions split on the stored window (>= :w or < :w), which only ever grows. So a wrong
                // guess costs one write, a roll by another writer in between costs at most one more, and the third shape
                // ("stored") can then only fail on the limits themselves: a decision within three writes, never a conflict.
                for (var attempt = 0; attempt < MaxAttempts; attempt++)
                {
                    if (attempt > 0) Interlocked.Increment(ref _secondWrites);
                    var (admitted, item) = await TryUpdateAsync(key, w, plan, stored, ct).ConfigureAwait(false);
                    var (used, win, winUsed) = Read(item);
                    mine?.StoredWindow.TrySetResult(win);
                    if (win > w.Window) w = w.Later(win, plan); // a writer whose clock read is later opened a newer window: count there, never a fresh one
                    if (admitted) return Decision(RateLimitRefusal.None, used, winUsed);
                    if (used >= plan.Quota) return Decision(RateLimitRefusal.Quota, used, win == w.Window ? winUsed : 0);
                    if (win == w.Window && winUsed >= plan.Burst) return Decision(RateLimitRefusal.Rate, used, winUsed);
                    stored = win >= w.Window;
                }
                // Unreachable with a store that applies each conditional write atomically (see above).
                throw new AuthorizationStoreConflictException("The rate-limit counter did not settle within three conditional writes.");
            }
            finally
            {
                if (mine is not null)
                {
                    mine.StoredWindow.TrySetResult(-1); // the write failed: those waiting guess for themselves
                    _openings.TryRemove(new KeyValuePair<string, Opening>(opening!, mine));
                }
            }

            RateLimitDecision Decision(RateLimitRefusal why, long used, long winUsed) =>
                new(why, plan, used, winUsed, w.PeriodEnd, w.WindowEnd, w.Window, w.PeriodId);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for this process's take that is already opening <paramref name="window"/> (or a later one) of the counter
    /// and returns whether the window is now stored; else registers this take as the opener (Mine).
    /// </summary>
    private async Task<(bool Stored, Opening? Mine)> JoinOrOpenAsync(string counter, long window, CancellationToken ct)
    {
        while (true)
        {
            if (_openings.TryGetValue(counter, out var other) && other.Window >= window)
                return (await other.StoredWindow.Task.WaitAsync(ct).ConfigureAwait(false) >= window, null);
            var mine = new Opening(window);
            if (other is null ? _openings.TryAdd(counter, mine) : _openings.TryUpdate(counter, mine, other)) return (false, mine);
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
        var names = new Dictionary<string, string> { ["#used"] = "used", ["#win"] = "win" };
        if (inWindow) names["#winUsed"] = "winUsed"; // DynamoDB refuses a name the expressions do not use
        Interlocked.Increment(ref _writes);
        try
        {
            await _client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _table,
                Key = key,
                UpdateExpression = inWindow ? "ADD #used :minus, #winUsed :minus" : "ADD #used :minus",
                ConditionExpression = inWindow ? "#win = :w AND #used > :zero AND #winUsed > :zero" : "#win <> :w AND #used > :zero",
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = new() { [":minus"] = N(-1), [":zero"] = N(0), [":w"] = N(window) },
            }, ct).ConfigureAwait(false);
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
    private async Task<(bool Admitted, Dictionary<string, AttributeValue>? Item)> TryUpdateAsync(
        Dictionary<string, AttributeValue> key, RateWindows w, RatePlan plan, bool windowStored, CancellationToken ct)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":one"] = One,
            [":w"] = N(w.Window),
            [":quota"] = N(plan.Quota),
        };
        var request = new UpdateItemRequest
        {
            TableName = _table,
            Key = key,
            ReturnValues = ReturnValue.ALL_NEW,
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            ExpressionAttributeNames = new() { ["#used"] = "used", ["#win"] = "win", ["#winUsed"] = "winUsed" },
            ExpressionAttributeValues = values,
        };
        if (windowStored)
        {
            values[":burst"] = N(plan.Burst);
            request.UpdateExpression = "ADD #used :one, #winUsed :one";
            request.ConditionExpression = "#win >= :w AND #winUsed < :burst AND #used < :quota";
        }
        else
        {
            values[":ttl"] = N(EpochSecondsRoundedUp(w.PeriodEnd + TtlMargin));
            values[":type"] = S("rate-counter");
            request.ExpressionAttributeNames["#ttl"] = TableKeys.TimeToLive;
            request.ExpressionAttributeNames["#type"] = "type";
            request.UpdateExpression = "SET #win = :w, #winUsed = :one, #ttl = :ttl, #type = :type ADD #used :one";
            request.ConditionExpression = "(attribute_not_exists(#win) OR #win < :w) AND (attribute_not_exists(#used) OR #used < :quota)";
        }
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
