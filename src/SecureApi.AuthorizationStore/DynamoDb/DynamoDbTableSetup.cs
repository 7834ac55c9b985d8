using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace SecureApi.AuthorizationStore.DynamoDb;

/// <summary>
/// Creates the table for local work and tests (AuthorizationStore__CreateTableIfMissing=true): PK/SK strings,
/// on-demand billing, TTL on <see cref="TableKeys.TimeToLive"/>. Production tables come from the deployment
/// template, and the functions never call this.
/// </summary>
internal static class DynamoDbTableSetup
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<bool> CreateIfMissingAsync(IAmazonDynamoDB client, string table, CancellationToken ct)
    {
        if (await StatusAsync(client, table, ct).ConfigureAwait(false) is null)
        {
            try
            {
                await client.CreateTableAsync(new CreateTableRequest
                {
                    TableName = table,
                    BillingMode = BillingMode.PAY_PER_REQUEST,
                    AttributeDefinitions =
                    [
                        new AttributeDefinition(TableKeys.PartitionKey, ScalarAttributeType.S),
                        new AttributeDefinition(TableKeys.SortKey, ScalarAttributeType.S),
                    ],
                    KeySchema =
                    [
                        new KeySchemaElement(TableKeys.PartitionKey, KeyType.HASH),
                        new KeySchemaElement(TableKeys.SortKey, KeyType.RANGE),
                    ],
                }, ct).ConfigureAwait(false);
            }
            catch (ResourceInUseException)
            {
                // Another process created it first: fine.
            }
        }
        while (await StatusAsync(client, table, ct).ConfigureAwait(false) != TableStatus.ACTIVE)
            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        await EnableTimeToLiveAsync(client, table, ct).ConfigureAwait(false);
        return true;
    }

    private static async Task<TableStatus?> StatusAsync(IAmazonDynamoDB client, string table, CancellationToken ct)
    {
        try
        {
            return (await client.DescribeTableAsync(new DescribeTableRequest { TableName = table }, ct).ConfigureAwait(false)).Table.TableStatus;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    private static async Task EnableTimeToLiveAsync(IAmazonDynamoDB client, string table, CancellationToken ct)
    {
        try
        {
            var ttl = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table }, ct).ConfigureAwait(false);
            if (ttl.TimeToLiveDescription?.TimeToLiveStatus == TimeToLiveStatus.ENABLED) return;
            await client.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = table,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = TableKeys.TimeToLive, Enabled = true },
            }, ct).ConfigureAwait(false);
        }
        catch (AmazonDynamoDBException e) when (e.ErrorCode is "UnknownOperationException" or "ValidationException" or "NotImplementedError")
        {
            // Some DynamoDB-compatible servers lack TTL; expiry is still enforced on every read.
        }
    }
}
