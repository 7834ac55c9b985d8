using SecureApi.Testing;
using SecureApi.AuthorizerContract;
using static SecureApi.AuthorizationStore.Tests.TestData;

namespace SecureApi.AuthorizationStore.Tests;

/// <summary>
/// What actually goes over the wire to DynamoDB (recorded in front of the real moto server): the hot paths are one
/// GetItem each, nothing ever Scans, and every change travels in the same TransactWriteItems as its audit record.
/// </summary>
[Trait("Category", "Integration")] // starts a process or a moto server
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbRequestShapeTests(DynamoDbServerFixture dynamo)
{
    private readonly SecureApi.Testing.ManualClock _clock = new(Start);
    private readonly RecordingHttpClientFactory _http = new();

    private async Task<IAuthorizationStore> StoreAsync()
    {
        var store = await dynamo.NewStoreAsync(_clock, _http);
        _http.Requests.Clear(); // table setup is not under test
        return store;
    }

    private string[] Operations() => _http.Requests.Select(r => r.Operation).ToArray();

    [Fact]
    public async Task Each_request_path_lookup_is_exactly_one_GetItem()
    {
        var store = await StoreAsync();
        await store.PutPrincipalAsync(Principal("alice"), "admin");
        var key = Key("alice");
        await store.CreateCredentialAsync(key, "admin");
        _http.Requests.Clear();

        await store.FindUsableCredentialByHashAsync(key.Sha256);
        Assert.Equal(["GetItem"], Operations());
        Assert.Contains("CREDHASH#" + key.Sha256, _http.Requests.Single().Body);
        _http.Requests.Clear();

        await store.GetPrincipalAsync("alice");
        await store.GetRouteRulesAsync();
        Assert.Equal(["GetItem", "GetItem"], Operations());
    }

    [Fact]
    public async Task Every_change_is_one_TransactWriteItems_carrying_its_audit_record()
    {
        var store = await StoreAsync();
        var key = Key("alice");

        await store.PutPrincipalAsync(Principal("alice"), "admin");
        await store.PutPrincipalAsync(Principal("alice", "ops"), "admin");
        await store.CreateCredentialAsync(key, "admin");
        await store.RevokeCredentialAsync(key.KeyId, "admin");
        await store.PutRouteRulesAsync(RouteRules.Default, "admin");
        await store.ListCredentialsAsync("alice");
        await store.ListAuditRecordsAsync(DateOnly.FromDateTime(Start.UtcDateTime), 10);

        var writes = _http.Requests.Where(r => r.Operation is not ("GetItem" or "Query")).ToArray();
        Assert.Equal(5, writes.Length);
        Assert.All(writes, w =>
        {
            Assert.Equal("TransactWriteItems", w.Operation);
            Assert.Contains("\"AUDIT#2031-03-01\"", w.Body);
            Assert.Equal(1, CountOf(w.Body, "\"AUDIT#"));
        });
        Assert.DoesNotContain(Operations(), o => o is "Scan" or "PutItem" or "UpdateItem" or "DeleteItem" or "BatchWriteItem");
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
