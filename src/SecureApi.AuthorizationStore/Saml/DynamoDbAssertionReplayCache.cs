using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;
using static SecureApi.AuthorizationStore.DynamoDb.ItemMapper;

namespace SecureApi.AuthorizationStore.Saml;

/// <summary>
/// The replay cache on the authorization store's table: one item per used assertion (PK "SAML-ASSERTION#{sha256}"),
/// written with a condition that no live item exists, so two instances racing on one assertion cannot both win. The
/// item carries the table's TTL attribute (its NotOnOrAfter); the condition compares the time itself, since TTL
/// deletes late.
/// </summary>
public sealed class DynamoDbAssertionReplayCache : IAssertionReplayCache
{
    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly TimeProvider _time;
    private readonly BoundedCall _bounded;

    public DynamoDbAssertionReplayCache(IAmazonDynamoDB client, AuthorizationStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (!options.UsesDynamoDb) throw new ArgumentException("options.TableName is required.", nameof(options));
        _client = client;
        _table = options.TableName!;
        _time = time;
        _bounded = new BoundedCall(options.Timeout);
    }

    public Task<bool> TryUseAsync(string issuer, string assertionId, DateTimeOffset keepUntil, CancellationToken cancellationToken = default)
    {
        var key = AssertionKey.Of(issuer, assertionId);
        return _bounded.RunAsync("UseSamlAssertion", async ct =>
        {
            var item = Key(TableKeys.SamlAssertion(key), TableKeys.SamlAssertionSortKey);
            item["type"] = S("saml-assertion");
            item[TableKeys.TimeToLive] = N(keepUntil.ToUnixTimeSeconds());
            try
            {
                await _client.PutItemAsync(new PutItemRequest
                {
                    TableName = _table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#pk) OR #ttl <= :now",
                    ExpressionAttributeNames = new() { ["#pk"] = TableKeys.PartitionKey, ["#ttl"] = TableKeys.TimeToLive },
                    ExpressionAttributeValues = new() { [":now"] = N(_time.GetUtcNow().ToUnixTimeSeconds()) },
                }, ct).ConfigureAwait(false);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        }, cancellationToken);
    }
}
