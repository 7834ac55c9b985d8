using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.DynamoDb;
using SecureApi.AuthorizerContract;

namespace Authorizers.Benchmarks;

/// <summary>
/// For bench/coldstart-request-store.sh: creates the table on a DynamoDB-compatible server, stores one principal
/// (role admin) and one api key for it through the store library, and writes request-store-event.json (an api_key
/// request for GET /protected with that key) into a folder. It also writes a second key that only the function's
/// configuration knows (seed-api-keys.json, the RequestAuthorizer__ApiKeys value) and request-seed-event.json using
/// it: that decision makes exactly one store lookup (the route table). Fresh keys every time.
/// </summary>
internal static class StoreSeed
{
    private const string Arn = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/Prod/GET/protected";

    public static async Task WriteAsync(string serviceUrl, string table, string folder)
    {
        Directory.CreateDirectory(folder);
        var options = new AuthorizationStoreOptions { TableName = table, ServiceUrl = serviceUrl, TimeoutMilliseconds = 10_000 };
        using var store = new DynamoDbAuthorizationStore(
            DynamoDbClientFactory.Create(options, new BasicAWSCredentials("testing", "testing")), options, TimeProvider.System, ownsClient: true);
        await store.CreateTableIfMissingAsync(TimeSpan.FromSeconds(30));
        await store.PutPrincipalAsync(new PrincipalChange("bench-principal", ["admin"], ["read"]), "bench");
        var key = NewKey();
        var outcome = await store.CreateCredentialAsync(new NewCredential("bench-key-" + Guid.NewGuid().ToString("N")[..8], AuthTypes.ApiKey,
            "bench-principal", Sha256Hex(key)), "bench");
        if (outcome != CreateCredentialOutcome.Created) throw new InvalidOperationException($"Seeding failed: {outcome}.");
        File.WriteAllText(Path.Combine(folder, "request-store-event.json"), Event(key));

        var seedKey = NewKey();
        File.WriteAllText(Path.Combine(folder, "seed-api-keys.json"),
            "[{\"sha256\":\"" + Sha256Hex(seedKey) + "\",\"principalId\":\"bench-seed-principal\",\"role\":\"admin\",\"permissions\":\"read\"}]");
        File.WriteAllText(Path.Combine(folder, "request-seed-event.json"), Event(seedKey));
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    private static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Event(string key) =>
        "{\"type\":\"REQUEST\",\"methodArn\":\"" + Arn + "\",\"httpMethod\":\"GET\",\"queryStringParameters\":{\"api_key\":\"" + key +
        "\"},\"requestContext\":{\"identity\":{\"sourceIp\":\"198.51.100.7\"}}}";
}
