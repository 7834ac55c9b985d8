using SecureApi.Testing;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>The factory end to end against the moto server, through the SDK's default credential chain (tests/test.runsettings).</summary>
[Trait("Category", "Integration")] // starts a process or a moto server
[Collection(DynamoDbCollection.Name)]
public sealed class AuthorizationStoreFactoryTests(DynamoDbServerFixture dynamo)
{
    [Fact]
    public async Task With_a_table_name_and_create_if_missing_the_factory_gives_a_working_cached_dynamodb_store()
    {
        var options = dynamo.Options();
        options.Region = null; // signing region falls back for a ServiceUrl
        options.CreateTableIfMissing = true;

        var store = await AuthorizationStoreFactory.CreateAsync(options, new ManualClock(Start));

        var cached = Assert.IsType<CachingAuthorizationStore>(store);
        Assert.IsType<DynamoDb.DynamoDbAuthorizationStore>(cached.Inner);
        Assert.True((await store.PutPrincipalAsync(Principal("alice"), "admin")).Created);
        Assert.NotNull(await store.GetPrincipalAsync("alice"));
        cached.Dispose();
    }
}
