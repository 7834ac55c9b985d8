using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.AuthorizationStore.StepUp;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>
/// One IAmazonDynamoDB per process: the stores on the authorization table borrow the authorization store's client
/// (one credential and endpoint resolution, one connection pool). Nothing here sends a request.
/// </summary>
public sealed class OneDynamoDbClientTests
{
    private static AuthorizationStoreOptions OnDynamoDb() =>
        new() { TableName = "authz", ServiceUrl = "http://127.0.0.1:9" };

    [Fact]
    public void On_dynamodb_the_step_up_and_rate_limit_stores_use_the_authorization_stores_client()
    {
        var options = OnDynamoDb();
        using var store = (CachingAuthorizationStore)AuthorizationStoreFactory.Create(options, TimeProvider.System);
        var client = Assert.IsType<DynamoDbAuthorizationStore>(store.Inner).Client;

        var stepUp = Assert.IsType<DynamoDbStepUpStore>(StepUpStoreFactory.Create(options, TimeProvider.System, store));
        var counters = Assert.IsType<DynamoDbRateLimitCounterStore>(
            RateLimitCounterStoreFactory.Create(options, TimeProvider.System, TimeSpan.FromSeconds(1), store));

        Assert.Same(client, stepUp.Client);
        Assert.Same(client, counters.Client);
    }

    [Fact]
    public void On_dynamodb_the_step_up_and_rate_limit_stores_refuse_a_store_that_has_no_dynamodb_client_to_share()
    {
        var options = OnDynamoDb();
        var inMemory = new InMemoryAuthorizationStore(TimeProvider.System);

        Assert.Throws<ArgumentException>(() => StepUpStoreFactory.Create(options, TimeProvider.System, inMemory));
        Assert.Throws<ArgumentException>(() => RateLimitCounterStoreFactory.Create(options, TimeProvider.System, TimeSpan.FromSeconds(1), inMemory));
    }
}
