using SecureApi.AuthorizationStore.Saml;
using SecureApi.Testing;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests.Saml;

/// <summary>What every <see cref="IAssertionReplayCache"/> must do (docs/saml.md): one use per (Issuer, ID) until the assertion ends.</summary>
public abstract class AssertionReplayCacheContract
{
    private const string Idp = "https://idp.example.test/metadata";
    protected ManualClock Clock { get; } = new(Start);

    protected abstract Task<IAssertionReplayCache> CreateAsync(TimeProvider clock);

    [Fact]
    public async Task An_assertion_is_used_once_until_it_ends()
    {
        var cache = await CreateAsync(Clock);

        Assert.True(await cache.TryUseAsync(Idp, "_a1", Start.AddMinutes(5)));
        Assert.False(await cache.TryUseAsync(Idp, "_a1", Start.AddMinutes(5)));
        Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(await cache.TryUseAsync(Idp, "_a1", Start.AddMinutes(5)));
    }

    [Fact]
    public async Task The_same_ID_from_another_IdP_is_another_assertion()
    {
        var cache = await CreateAsync(Clock);

        Assert.True(await cache.TryUseAsync(Idp, "_a1", Start.AddMinutes(5)));
        Assert.True(await cache.TryUseAsync("https://other-idp.example.test", "_a1", Start.AddMinutes(5)));
    }

    [Fact]
    public async Task Racing_uses_of_one_assertion_let_exactly_one_through()
    {
        var cache = await CreateAsync(Clock);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cache.TryUseAsync(Idp, "_race", Start.AddMinutes(5))));

        Assert.Single(results, used => used);
    }

    [Fact]
    public async Task Once_the_assertion_has_ended_its_mark_no_longer_blocks()
    {
        // The validator refuses an expired assertion before the cache is asked; the cache only must not grow forever.
        var cache = await CreateAsync(Clock);
        await cache.TryUseAsync(Idp, "_old", Start.AddMinutes(1));
        Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.True(await cache.TryUseAsync(Idp, "_old", Start.AddMinutes(3)));
    }
}

public sealed class InMemoryAssertionReplayCacheTests : AssertionReplayCacheContract
{
    protected override Task<IAssertionReplayCache> CreateAsync(TimeProvider clock) =>
        Task.FromResult<IAssertionReplayCache>(new InMemoryAssertionReplayCache(clock));
}

/// <summary>The contract against moto on loopback (a conditional put per use), plus the TTL attribute.</summary>
[Trait("Category", "Integration")] // starts a process or a moto server
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbAssertionReplayCacheTests(DynamoDbServerFixture dynamo) : AssertionReplayCacheContract
{
    private string? _table;

    protected override async Task<IAssertionReplayCache> CreateAsync(TimeProvider clock)
    {
        var store = await dynamo.NewStoreAsync(clock);
        _table = store.TableName;
        var options = dynamo.Options(store.TableName);
        return new DynamoDbAssertionReplayCache(dynamo.Client(options), options, clock);
    }

    [Fact]
    public async Task A_used_assertion_is_one_item_expiring_with_the_assertion_and_naming_no_IdP_string()
    {
        var cache = await CreateAsync(Clock);
        await cache.TryUseAsync("https://idp.example.test/metadata", "_a1", Start.AddMinutes(5));

        using var client = dynamo.Client(dynamo.Options(_table));
        var items = (await client.ScanAsync(new Amazon.DynamoDBv2.Model.ScanRequest { TableName = _table })).Items
            .Where(i => i["PK"].S.StartsWith("SAML-ASSERTION#", StringComparison.Ordinal)).ToList();

        var item = Assert.Single(items);
        Assert.Equal(Start.AddMinutes(5).ToUnixTimeSeconds().ToString(), item["ttl"].N);
        Assert.DoesNotContain("_a1", item["PK"].S);
    }
}
