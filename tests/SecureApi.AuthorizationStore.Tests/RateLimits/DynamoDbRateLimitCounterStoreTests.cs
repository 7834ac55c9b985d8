using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
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
    public async Task A_process_first_take_is_one_write_whether_another_process_opened_the_window_or_not()
    {
        var table = await NewTableAsync();
        var a = await NewAsync(Clock, table);
        var b = await NewAsync(Clock, table);
        var plan = new RatePlan(100, 100, 1000, QuotaPeriod.Day);
        var opened = await a.TryTakeAsync("P#alice", plan, -1);     // no window stored yet
        var joined = await b.TryTakeAsync("P#alice", plan, -1);     // a's window is stored; b has not seen it

        Assert.True(opened.Admitted && joined.Admitted);
        Assert.Equal(opened.Window, joined.Window);
        Assert.Equal(2, joined.WindowUsed);
        Assert.Equal(1, a.Writes);
        Assert.Equal(1, b.Writes);
        Assert.Equal(0, a.SecondWrites + b.SecondWrites);
        Assert.True((await b.TryTakeAsync("P#alice", plan, joined.Window)).Admitted);
        Assert.Equal(2, b.Writes);
    }

    [Fact]
    public async Task An_item_written_before_the_window_had_a_named_count_is_counted_in_place_then_in_one_write()
    {
        // An item from before the named count (win and winUsed only): the first take counts in the stored window
        // with one more write and writes the named count, so the next process's first take is one write again.
        var table = await NewTableAsync();
        var plan = new RatePlan(100, 100, 1000, QuotaPeriod.Day);
        var window = RateWindows.At(Clock.GetUtcNow(), plan);
        using var client = dynamo.Client(dynamo.Options(table));
        await client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new()
            {
                ["PK"] = new AttributeValue { S = "RATE#P#alice" }, ["SK"] = new AttributeValue { S = "QUOTA#" + window.PeriodId },
                ["used"] = new AttributeValue { N = "7" }, ["win"] = new AttributeValue { N = window.Window.ToString() }, ["winUsed"] = new AttributeValue { N = "3" },
            },
        });
        var a = await NewAsync(Clock, table);
        var b = await NewAsync(Clock, table);

        var first = await a.TryTakeAsync("P#alice", plan, -1);
        var next = await b.TryTakeAsync("P#alice", plan, -1);

        Assert.Equal((8L, 4L), (first.QuotaUsed, first.WindowUsed));
        Assert.Equal((9L, 5L), (next.QuotaUsed, next.WindowUsed));
        Assert.Equal(2, a.Writes);
        Assert.Equal(1, b.Writes);
    }

    [Fact]
    public async Task Earlier_windows_counts_left_by_processes_that_did_not_know_them_do_not_pile_up_in_the_item()
    {
        var table = await NewTableAsync();
        var plan = new RatePlan(100, 100, 1000, QuotaPeriod.Day);
        for (var i = 0; i < 3 * DynamoDbRateLimitCounterStore.MaxLeftovers; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(3)); // a gap of windows, and a process that has not seen the last one
            Assert.True((await (await NewAsync(Clock, table)).TryTakeAsync("P#alice", plan, -1)).Admitted);
        }

        using var client = dynamo.Client(dynamo.Options(table));
        var item = (await client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { ["PK"] = new AttributeValue { S = "RATE#P#alice" }, ["SK"] = new AttributeValue { S = "QUOTA#" + RateWindows.At(Clock.GetUtcNow(), plan).PeriodId } },
            ConsistentRead = true,
        })).Item;
        Assert.Equal((long)3 * DynamoDbRateLimitCounterStore.MaxLeftovers, long.Parse(item["used"].N));
        Assert.InRange(item.Keys.Count(k => k.StartsWith('c')), 1, DynamoDbRateLimitCounterStore.MaxLeftovers + 1);
    }

    [Fact]
    public async Task A_removal_of_earlier_windows_counts_that_never_answers_leaves_the_request_admitted()
    {
        // The removal follows a decision whose count is written: past the budget it is dropped, never a 503.
        var table = await NewTableAsync();
        var plan = new RatePlan(100, 100, 1000, QuotaPeriod.Day);
        var http = new RemovalNeverAnswers();
        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i <= DynamoDbRateLimitCounterStore.MaxLeftovers + 1; i++) // the last take finds MaxLeftovers + 1
        {
            Clock.Advance(TimeSpan.FromSeconds(3));
            var store = new DynamoDbRateLimitCounterStore(dynamo.Client(dynamo.Options(table, timeoutMilliseconds: 30_000), http), table, Clock, TimeSpan.FromSeconds(5));
            decisions.Add(await store.TryTakeAsync("P#alice", plan, -1));
        }

        Assert.All(decisions, d => Assert.True(d.Admitted));
        Assert.Equal(1, http.Removals);
        Assert.Equal(DynamoDbRateLimitCounterStore.MaxLeftovers + 2, decisions[^1].QuotaUsed);
    }

    /// <summary>Sends every request on, except the removal of leftovers, which waits until it is cancelled.</summary>
    private sealed class RemovalNeverAnswers : HttpClientFactory
    {
        private int _removals;
        public int Removals => Volatile.Read(ref _removals);

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Handler(this));

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        private sealed class Handler(RemovalNeverAnswers owner) : DelegatingHandler(new HttpClientHandler())
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
                if (body.Contains("\"REMOVE #l0", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref owner._removals);
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                return await base.SendAsync(request, cancellationToken);
            }
        }
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
    public async Task A_take_whose_clock_read_is_behind_a_window_another_process_opened_counts_there_with_one_more_write()
    {
        // A request that read the clock in one window and reached the table after another process opened the next
        // (a busy machine, a slow network): "count" finds the later window, and "window stored" counts it there.
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
        Assert.Equal(3, behind.Writes);
        Assert.Equal(1, behind.SecondWrites);

        var nextProcess = await NewAsync(Clock, table); // its clock is behind too, and it has seen no window
        var joined = await nextProcess.TryTakeAsync("P#alice", plan, -1);
        Assert.Equal((newer.Window, 3L), (joined.Window, joined.WindowUsed));
        Assert.Equal(1, nextProcess.SecondWrites); // one failed "count" (a later window is stored), then "window stored"
    }

    [Fact]
    public async Task Concurrent_takes_opening_a_window_in_one_process_cost_one_write_each()
    {
        var store = await NewAsync(Clock, await NewTableAsync());
        var plan = new RatePlan(100, 100, 1000, QuotaPeriod.Day);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.TryTakeAsync("P#alice", plan, -1).AsTask()));

        Assert.All(decisions, d => Assert.True(d.Admitted));
        Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), decisions.Select(d => d.WindowUsed).Order());
        Assert.Equal(10, store.Writes);
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
