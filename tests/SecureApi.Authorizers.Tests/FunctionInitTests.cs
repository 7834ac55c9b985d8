using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Tests;

namespace SecureApi.Authorizers.Tests;

/// <summary>What a function's init starts so that its first decision waits less (AuthorizerFunctions).</summary>
public sealed class FunctionInitTests
{
    [Fact]
    public async Task The_route_table_read_started_at_init_is_the_one_the_first_decision_uses()
    {
        var memory = new InMemoryAuthorizationStore(TimeProvider.System);
        await StoreData.AddKeyAsync(memory, "ops-bot", "key-1", "stored-key-0123456789", roles: ["admin"]);
        var release = new TaskCompletionSource();
        var counted = new FlakyStore(memory) { Held = release.Task };
        using var store = new CachingAuthorizationStore(counted, TimeSpan.FromSeconds(10), TimeProvider.System);
        var authorizer = new RequestAuthorizer(new RequestAuthorizerOptions(), store: store);

        var warmUp = RouteTableWarmUp.Start(store);
        var decision = authorizer.AuthorizeAsync(Events.Request(query: new() { ["api_key"] = "stored-key-0123456789" }, methodArn: Events.AdminArn));
        release.SetResult();

        Assert.Equal(AuthorizerOutcome.Allow, (await decision).Outcome);
        Assert.Null(await warmUp!);     // none stored: the decision used the configured table
        Assert.Equal(3, counted.Calls); // route table (once: the decision joined the read begun at init), credential, principal
    }

    [Fact]
    public async Task A_route_table_read_failing_at_init_is_not_kept_and_the_first_decision_reads_again()
    {
        var memory = new InMemoryAuthorizationStore(TimeProvider.System);
        await StoreData.AddKeyAsync(memory, "ops-bot", "key-1", "stored-key-0123456789", roles: ["admin"]);
        var flaky = new FlakyStore(memory) { Down = true };
        using var store = new CachingAuthorizationStore(flaky, TimeSpan.FromSeconds(10), TimeProvider.System);

        var warmUp = RouteTableWarmUp.Start(store);
        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => warmUp!);
        flaky.Down = false;
        var decision = await new RequestAuthorizer(new RequestAuthorizerOptions(), store: store)
            .AuthorizeAsync(Events.Request(query: new() { ["api_key"] = "stored-key-0123456789" }, methodArn: Events.AdminArn));

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
    }

    [Fact]
    public void Without_a_store_init_reads_nothing()
    {
        Assert.Null(RouteTableWarmUp.Start(null));
    }
}
