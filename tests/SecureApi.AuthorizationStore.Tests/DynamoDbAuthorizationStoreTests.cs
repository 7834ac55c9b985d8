using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.Testing;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>The contract against DynamoDB (a real moto server on loopback), plus table, TTL and failure behaviour.</summary>
[Trait("Category", "Integration")] // starts a process or a moto server
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbAuthorizationStoreTests(DynamoDbServerFixture dynamo) : AuthorizationStoreContract
{
    protected override async Task<IAuthorizationStore> CreateStoreAsync(TimeProvider clock) => await dynamo.NewStoreAsync(clock);

    [Fact]
    public async Task An_id_with_hash_or_percent_is_encoded_in_its_key_and_a_plain_id_is_stored_as_itself()
    {
        var store = await dynamo.NewStoreAsync(Clock);
        await store.PutPrincipalAsync(Principal("alice#PROFILE%"), Admin);
        await store.PutPrincipalAsync(Principal("issuer:alice"), Admin);

        using var client = dynamo.Client(dynamo.Options(store.TableName));
        async Task<bool> Exists(string pk) =>
            (await client.GetItemAsync(new GetItemRequest { TableName = store.TableName, Key = ItemMapper.Key(pk, TableKeys.PrincipalProfileSortKey) })).Item is { Count: > 0 };

        Assert.True(await Exists("PRINCIPAL#alice%23PROFILE%25"));
        Assert.True(await Exists("PRINCIPAL#issuer:alice"));
        Assert.Equal("alice#PROFILE%", (await store.GetPrincipalAsync("alice#PROFILE%"))?.Id);
        Assert.Null(await store.GetPrincipalAsync("alice"));
    }

    [Fact]
    public async Task Credential_items_carry_the_ttl_attribute_in_epoch_seconds_rounded_up()
    {
        var store = await dynamo.NewStoreAsync(Clock);
        await store.PutPrincipalAsync(Principal("alice"), Admin);
        var expiry = Start.AddHours(2).AddMilliseconds(1);
        var key = Key("alice", expiresAt: expiry);
        await store.CreateCredentialAsync(key, Admin);

        using var client = dynamo.Client(dynamo.Options(store.TableName));
        foreach (var (pk, sk) in new[]
                 {
                     (TableKeys.CredentialByHash(key.Sha256), TableKeys.CredentialSortKey),
                     (TableKeys.CredentialByKeyId(key.KeyId), TableKeys.CredentialSortKey),
                     (TableKeys.Principal("alice"), TableKeys.CredentialInPrincipal(key.KeyId)),
                 })
        {
            var item = (await client.GetItemAsync(new GetItemRequest { TableName = store.TableName, Key = ItemMapper.Key(pk, sk) })).Item;
            Assert.Equal((expiry.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), item["ttl"].N);
        }
    }

    [Fact]
    public async Task Creating_the_table_again_is_harmless_and_ttl_is_enabled()
    {
        var store = await dynamo.NewStoreAsync(Clock);
        await store.PutPrincipalAsync(Principal("alice"), Admin);

        await store.CreateTableIfMissingAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(await store.GetPrincipalAsync("alice"));
        using var client = dynamo.Client(dynamo.Options(store.TableName));
        var ttl = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = store.TableName });
        Assert.Equal("ttl", ttl.TimeToLiveDescription.AttributeName);
        Assert.Equal("ENABLED", ttl.TimeToLiveDescription.TimeToLiveStatus.Value);
        var table = await client.DescribeTableAsync(store.TableName);
        Assert.Equal("PAY_PER_REQUEST", table.Table.BillingModeSummary?.BillingMode?.Value);
    }

    [Fact]
    public async Task A_missing_table_makes_the_store_unavailable_not_empty()
    {
        var options = dynamo.Options();
        using var store = new DynamoDbAuthorizationStore(dynamo.Client(options), options, Clock, ownsClient: true);

        var e = await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => store.FindUsableCredentialByHashAsync(Sha256(Secret())));
        Assert.Contains("ResourceNotFoundException", e.Message);
    }

    [Fact]
    public async Task An_unreachable_store_fails_with_the_unavailable_exception()
    {
        var options = dynamo.Options(serviceUrl: "http://127.0.0.1:" + DynamoDbCompatibleServer.FreeLoopbackPort(), timeoutMilliseconds: 500);
        using var store = new DynamoDbAuthorizationStore(dynamo.Client(options), options, Clock, ownsClient: true);
        var hash = Sha256(Secret());

        var e = await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => store.FindUsableCredentialByHashAsync(hash));

        Assert.DoesNotContain(hash, e.ToString());
        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => store.GetPrincipalAsync("alice"));
        await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => store.PutPrincipalAsync(Principal("alice"), Admin));
    }

    [Fact]
    public async Task A_store_that_accepts_but_never_answers_fails_when_the_timeout_ends()
    {
        // A loopback listener that takes connections and never replies: only the time budget can end the call.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(backlog: 16);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = dynamo.Options(serviceUrl: "http://127.0.0.1:" + port, timeoutMilliseconds: 300);
        using var store = new DynamoDbAuthorizationStore(dynamo.Client(options), options, Clock, ownsClient: true);
        var hash = Sha256(Secret());

        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<AuthorizationStoreUnavailableException>(() => store.FindUsableCredentialByHashAsync(hash));

        // Only the budget can end a call to a server that never answers: it waited for it, and says so.
        Assert.True(watch.ElapsedMilliseconds >= 250, $"ended after {watch.ElapsedMilliseconds} ms, before the 300 ms budget");
        Assert.Contains("within 300 ms", e.Message);
        Assert.DoesNotContain(hash, e.Message);
    }

    [Fact]
    public async Task Caller_cancellation_stays_a_cancellation()
    {
        var store = await dynamo.NewStoreAsync(Clock);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetPrincipalAsync("alice", cancelled.Token));
    }
}
