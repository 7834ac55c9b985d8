using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;
using static SecureApi.AuthorizationStore.DynamoDb.ItemMapper;

namespace SecureApi.AuthorizationStore.RateLimits;

/// <summary>
/// The conditional UpdateItem shapes of one counter item (docs/rate-limits.md, "Algorithm"). <c>winUsed</c> is the
/// rate window's count; <c>c&lt;window&gt;</c> holds the same count under an attribute named by the window, so that its
/// existence tells one update expression whether the window is stored (<c>if_not_exists</c> is DynamoDB's only
/// conditional SET). Earlier windows' names are removed as windows move on.
/// </summary>
internal static class RateCounterUpdates
{
    private const string CountPrefix = "c";
    private static readonly AttributeValue One = N(1), Zero = N(0);

    /// <summary>The attribute holding <paramref name="window"/>'s count beside <c>winUsed</c>.</summary>
    public static string CountName(long window) => CountPrefix + window.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// "Count": valid whether <paramref name="w"/>'s window is stored (and its two counts agree) or older/absent, so
    /// a process that does not know the stored window needs no guess. Removes the previous window's count and the one
    /// this process last saw (<paramref name="lastWindow"/>, -1 when unknown).
    /// </summary>
    public static UpdateItemRequest Count(string table, Dictionary<string, AttributeValue> key, RateWindows w, RatePlan plan, long lastWindow)
    {
        var request = Request(table, key, plan, w.Window);
        var names = request.ExpressionAttributeNames;
        names["#cw"] = CountName(w.Window);
        request.ExpressionAttributeValues[":burst"] = N(plan.Burst);
        request.ExpressionAttributeValues[":zero"] = Zero;
        SetLifetime(request, w);
        var remove = new List<string>(2);
        if (w.Window > 0) Remove(names, remove, "#prev", w.Window - 1);
        if (lastWindow >= 0 && lastWindow < w.Window - 1) Remove(names, remove, "#last", lastWindow);
        request.UpdateExpression = "SET #win = :w, #winUsed = if_not_exists(#cw, :zero) + :one, #cw = if_not_exists(#cw, :zero) + :one, #ttl = :ttl, #type = :type ADD #used :one"
            + (remove.Count > 0 ? " REMOVE " + string.Join(", ", remove) : "");
        request.ConditionExpression = "(attribute_not_exists(#used) OR #used < :quota) AND ("
            + "(#win = :w AND #cw = #winUsed AND #cw < :burst) OR ((attribute_not_exists(#win) OR #win < :w) AND attribute_not_exists(#cw)))";
        return request;
    }

    /// <summary>
    /// "Window stored": counts in the stored window when it is <paramref name="w"/>'s or a later one (never a fresh
    /// one), and sets <paramref name="storedWindow"/>'s named count to the new <c>winUsed</c> (so they agree again).
    /// </summary>
    public static UpdateItemRequest Stored(string table, Dictionary<string, AttributeValue> key, RateWindows w, RatePlan plan, long storedWindow)
    {
        var request = Request(table, key, plan, w.Window);
        request.ExpressionAttributeNames["#cs"] = CountName(storedWindow);
        request.ExpressionAttributeValues[":burst"] = N(plan.Burst);
        request.UpdateExpression = "SET #cs = #winUsed + :one ADD #used :one, #winUsed :one";
        request.ConditionExpression = "#win >= :w AND #winUsed < :burst AND #used < :quota";
        return request;
    }

    /// <summary>"New window": opens <paramref name="w"/>'s window over an older stored one (<paramref name="storedWindow"/>, -1 when absent).</summary>
    public static UpdateItemRequest New(string table, Dictionary<string, AttributeValue> key, RateWindows w, RatePlan plan, long storedWindow)
    {
        var request = Request(table, key, plan, w.Window);
        request.ExpressionAttributeNames["#cw"] = CountName(w.Window);
        SetLifetime(request, w);
        var remove = new List<string>(1);
        if (storedWindow >= 0 && storedWindow < w.Window) Remove(request.ExpressionAttributeNames, remove, "#cs", storedWindow);
        request.UpdateExpression = "SET #win = :w, #winUsed = :one, #cw = :one, #ttl = :ttl, #type = :type ADD #used :one"
            + (remove.Count > 0 ? " REMOVE #cs" : "");
        request.ConditionExpression = "(attribute_not_exists(#win) OR #win < :w) AND (attribute_not_exists(#used) OR #used < :quota)";
        return request;
    }

    /// <summary>
    /// Gives one count back: in both counts while <paramref name="window"/> is still stored, else in the period's only.
    /// Conditional, so a count never goes below zero and a later window's count is never touched.
    /// </summary>
    public static UpdateItemRequest GiveBack(string table, Dictionary<string, AttributeValue> key, long window, bool inWindow)
    {
        var names = new Dictionary<string, string> { ["#used"] = "used", ["#win"] = "win" };
        if (inWindow) // DynamoDB refuses a name the expressions do not use
        {
            names["#winUsed"] = "winUsed";
            names["#cw"] = CountName(window);
        }
        return new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = inWindow ? "SET #cw = #winUsed + :minus ADD #used :minus, #winUsed :minus" : "ADD #used :minus",
            ConditionExpression = inWindow ? "#win = :w AND #used > :zero AND #winUsed > :zero" : "#win <> :w AND #used > :zero",
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = new() { [":minus"] = N(-1), [":zero"] = Zero, [":w"] = N(window) },
        };
    }

    /// <summary>Named counts of windows before <paramref name="window"/> still in <paramref name="item"/> (left when a window was opened by a process that did not know the one before); null when there is none (it runs on every admitted take and nearly always finds none, so it allocates nothing then).</summary>
    public static List<string>? Leftovers(Dictionary<string, AttributeValue> item, long window)
    {
        List<string>? names = null;
        foreach (var name in item.Keys)
        {
            if (name.Length > CountPrefix.Length && name.StartsWith(CountPrefix, StringComparison.Ordinal)
                && long.TryParse(name.AsSpan(CountPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w < window)
                (names ??= []).Add(name);
        }
        return names;
    }

    /// <summary>Removes earlier windows' named counts (no process counts in a window older than the stored one).</summary>
    public static UpdateItemRequest RemoveLeftovers(string table, Dictionary<string, AttributeValue> key, List<string> leftovers)
    {
        var names = new Dictionary<string, string> { ["#win"] = "win" };
        var placeholders = new List<string>(leftovers.Count);
        for (var i = 0; i < leftovers.Count; i++)
        {
            placeholders.Add("#l" + i.ToString(CultureInfo.InvariantCulture));
            names[placeholders[i]] = leftovers[i];
        }
        return new UpdateItemRequest
        {
            TableName = table,
            Key = key,
            UpdateExpression = "REMOVE " + string.Join(", ", placeholders),
            ConditionExpression = "attribute_exists(#win)", // never recreate an item TTL removed
            ExpressionAttributeNames = names,
        };
    }

    private static UpdateItemRequest Request(string table, Dictionary<string, AttributeValue> key, RatePlan plan, long window) => new()
    {
        TableName = table,
        Key = key,
        ReturnValues = ReturnValue.ALL_NEW,
        ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        ExpressionAttributeNames = new() { ["#used"] = "used", ["#win"] = "win", ["#winUsed"] = "winUsed" },
        ExpressionAttributeValues = new() { [":one"] = One, [":w"] = N(window), [":quota"] = N(plan.Quota) },
    };

    private static readonly TimeSpan TtlMargin = TimeSpan.FromDays(1);

    private static void SetLifetime(UpdateItemRequest request, RateWindows w)
    {
        request.ExpressionAttributeValues[":ttl"] = N(EpochSecondsRoundedUp(w.PeriodEnd + TtlMargin));
        request.ExpressionAttributeValues[":type"] = S("rate-counter");
        request.ExpressionAttributeNames["#ttl"] = TableKeys.TimeToLive;
        request.ExpressionAttributeNames["#type"] = "type";
    }

    private static void Remove(Dictionary<string, string> names, List<string> remove, string placeholder, long window)
    {
        names[placeholder] = CountName(window);
        remove.Add(placeholder);
    }
}
