using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Testing;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests.RateLimits;

/// <summary>The counter contract on DynamoDB (moto on loopback), plus the item it writes and what each request costs.</summary>
[Trait("Category", "Integration")] // starts a process or a moto server
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbRateLimitCounterStoreTests(DynamoDbServerFixture dynamo) : RateLimitCounterStoreContract
{
    private string? _sharedTable;

    protected override async Task<IRateLimitCounterStore> CreateStoreAsync(TimeProvider clock) => await NewAsync(clock, await NewTableAsync());

    protected override async Task<IRateLimitCounterStore> CreateSharedStoreAsync(TimeProvider clock) =>
        await NewAsync(clock, _sharedTable ??= await NewTableAsync());

    private async Task<string> NewTableAsync()
    {
        using var store = await dynamo.NewStoreAsync(Clock);
        return store.TableName;
    }

    private Task<DynamoDbRateLimitCounterStore> NewAsync(TimeProvider clock, string table) =>
        Task.FromResult(new DynamoDbRateLimitCounterStore(dynamo.Client(dynamo.Options(table, timeoutMilliseconds: 30_000)), table, clock, TimeSpan.FromSeconds(30)));

    [Fact]
    public async Task An_admitted_request_is_one_write_once_the_process_knows_the_window()
    {
        var store = await NewAsync(Clock, await NewTableAsync());
        var plan = new RatePlan(100, 100, 1000, QuotaPeriod.Day);

        var decisions = await TakeAsync(store, "P#alice", plan, 50);
        Clock.Advance(TimeSpan.FromSeconds(1));
        decisions.AddRange(await TakeAsync(store, "P#alice", plan, 50)); // a new window: the first request rolls it

        Assert.All(decisions, d => Assert.True(d.Admitted));
        Assert.Equal(100, store.Writes);
    }

    [Fact]
    public async Task Another_process_rolling_the_window_first_costs_one_extra_write_per_process_and_window()
    {
        var table = await NewTableAsync();
        var a = await NewAsync(Clock, table);
        var b = await NewAsync(Clock, table);
        var plan = new RatePlan(100, 100, 1000, QuotaPeriod.Day);
        var lastA = (await a.TryTakeAsync("P#alice", plan, -1)).Window;
        var lastB = (await b.TryTakeAsync("P#alice", plan, -1)).Window;   // b guessed "new window": a had rolled it → 2 writes

        Assert.Equal(1, a.Writes);
        Assert.Equal(2, b.Writes);
        Assert.True((await b.TryTakeAsync("P#alice", plan, lastB)).Admitted);
        Assert.Equal(3, b.Writes);
        Assert.Equal(lastA, lastB);
    }

    [Fact]
    public async Task A_process_whose_clock_is_behind_counts_into_the_newer_window_and_gets_no_fresh_burst()
    {
        var table = await NewTableAsync();
        var ahead = await NewAsync(new ManualClock(Start.AddSeconds(1)), table);
        var behind = await NewAsync(Clock, table);

        var aheadTakes = await TakeAsync(ahead, "P#alice", Small, 2);
        var behindTake = await behind.TryTakeAsync("P#alice", Small, -1);

        Assert.All(aheadTakes, d => Assert.True(d.Admitted));
        Assert.Equal(RateLimitRefusal.Rate, behindTake.Refusal);
        Assert.Equal(Start.AddSeconds(2), behindTake.RetryAt); // the end of the newer window
    }

    [Fact]
    public async Task A_take_whose_clock_read_is_behind_a_window_another_process_opened_counts_there_in_one_write()
    {
        // A request that read the clock in one window and reached the table after another process opened the next
        // (a busy machine, a slow network): its guess "my window is stored" holds for the newer window too.
        var table = await NewTableAsync();
        var ahead = await NewAsync(new ManualClock(Start.AddSeconds(1)), table);
        var behind = await NewAsync(Clock, table);
        var plan = new RatePlan(100, 100, 1000, QuotaPeriod.Day);
        var behindWindow = (await behind.TryTakeAsync("P#alice", plan, -1)).Window;
        var newer = await ahead.TryTakeAsync("P#alice", plan, -1);

        var late = await behind.TryTakeAsync("P#alice", plan, behindWindow);

        Assert.True(late.Admitted);
        Assert.Equal(newer.Window, late.Window);
        Assert.Equal(2, late.WindowUsed);
        Assert.Equal(2, behind.Writes);
        Assert.Equal(0, behind.SecondWrites);
    }

    [Fact]
    public async Task Concurrent_takes_opening_a_window_in_one_process_wait_for_one_opener_instead_of_racing_it()
    {
        var store = await NewAsync(Clock, await NewTableAsync());
        var plan = new RatePlan(100, 100, 1000, QuotaPeriod.Day);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.TryTakeAsync("P#alice", plan, -1).AsTask()));

        Assert.All(decisions, d => Assert.True(d.Admitted));
        Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), decisions.Select(d => d.WindowUsed).Order());
        Assert.Equal(10, store.Writes);        // racing "new window" guesses would have cost 9 more
        Assert.Equal(0, store.SecondWrites);
    }

    [Fact]
    public async Task The_counter_item_lives_under_its_own_key_prefix_and_expires_a_day_after_its_period()
    {
        var table = await NewTableAsync();
        var store = await NewAsync(Clock, table);
        await store.TryTakeAsync("P#alice", Small, -1);

        using var client = dynamo.Client(dynamo.Options(table));
        var item = (await client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { ["PK"] = new AttributeValue { S = "RATE#P#alice" }, ["SK"] = new AttributeValue { S = "QUOTA#day#2031-03-01" } },
            ConsistentRead = true,
        })).Item;

        Assert.Equal("1", item["used"].N);
        Assert.Equal("1", item["winUsed"].N);
        Assert.Equal(new DateTimeOffset(2031, 3, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString(), item[TableKeys.TimeToLive].N);
    }

    [Fact]
    public async Task An_unreachable_store_fails_with_the_unavailable_exception_within_the_budget()
    {
        var options = dynamo.Options(serviceUrl: "http://127.0.0.1:" + DynamoDbCompatibleServer.FreeLoopbackPort(), timeoutMilliseconds: 300);
        var store = new DynamoDbRateLimitCounterStore(dynamo.Client(options), options.TableName!, Clock, TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => store.TryTakeAsync("P#alice", Small, -1).AsTask());
        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => store.GetUsageAsync("P#alice", Small));
    }
}
