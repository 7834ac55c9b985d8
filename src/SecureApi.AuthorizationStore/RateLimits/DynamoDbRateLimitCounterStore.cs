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
/// <item>same window: <c>ADD used :1, winUsed :1</c> if <c>win = :w AND winUsed &lt; :burst AND used &lt; :quota</c>;</item>
/// <item>new window: <c>SET win = :w, winUsed = :1 ADD used :1</c> if the stored window is older (or absent) and <c>used &lt; :quota</c>.</item>
/// </list>
/// The shape is chosen from the window this process last saw; when the guess is wrong (another process rolled the
/// window first) the failed condition returns the stored item (ReturnValuesOnConditionCheckFailure) and the other
/// shape is tried: a second write only for the first request per process per window. DynamoDB applies each
/// update atomically, so concurrent processes never admit more than the limits and never lose a count.
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
    private long _writes;

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

    public async ValueTask<RateLimitDecision> TryTakeAsync(string partition, RatePlan plan, long lastWindow, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(partition);
        ArgumentNullException.ThrowIfNull(plan);
        return await _bounded.RunAsync("TakeRateLimit", async ct =>
        {
            var w = RateWindows.At(_time.GetUtcNow(), plan);
            var key = Key(TableKeys.RateCounter(partition), TableKeys.RateCounterPeriod(w.PeriodId));
            var sameWindow = lastWindow == w.Window;
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var (admitted, item) = await TryUpdateAsync(key, w, plan, sameWindow, ct).ConfigureAwait(false);
                var (used, win, winUsed) = Read(item);
                if (admitted) return Decision(RateLimitRefusal.None, used, winUsed);
                if (win > w.Window) w = w.Later(win, plan); // another process's clock is ahead: count into its (newest) window, never a fresh one
                if (used >= plan.Quota) return Decision(RateLimitRefusal.Quota, used, win == w.Window ? winUsed : 0);
                if (win == w.Window && winUsed >= plan.Burst) return Decision(RateLimitRefusal.Rate, used, winUsed);
                sameWindow = win == w.Window; // the guess was wrong: try the other shape against what is stored now
            }
            throw new AuthorizationStoreConflictException("The rate-limit counter kept changing under concurrent writes.");

            RateLimitDecision Decision(RateLimitRefusal why, long used, long winUsed) =>
                new(why, plan, used, winUsed, w.PeriodEnd, w.WindowEnd, w.Window, w.PeriodId);
        }, cancellationToken).ConfigureAwait(false);
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
        Dictionary<string, AttributeValue> key, RateWindows w, RatePlan plan, bool sameWindow, CancellationToken ct)
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
        if (sameWindow)
        {
            values[":burst"] = N(plan.Burst);
            request.UpdateExpression = "ADD #used :one, #winUsed :one";
            request.ConditionExpression = "#win = :w AND #winUsed < :burst AND #used < :quota";
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
