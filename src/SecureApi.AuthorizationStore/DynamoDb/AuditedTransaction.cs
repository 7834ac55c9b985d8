using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static SecureApi.AuthorizationStore.DynamoDb.ItemMapper;

namespace SecureApi.AuthorizationStore.DynamoDb;

/// <summary>A change and its audit record written in one TransactWriteItems: both or neither (the store and the step-up store).</summary>
internal static class AuditedTransaction
{
    /// <summary>Null when written; else the index of the first item whose condition failed (nothing was written).</summary>
    public static async Task<int?> TryWriteAsync(IAmazonDynamoDB client, List<TransactWriteItem> items, CancellationToken ct)
    {
        try
        {
            await client.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = items }, ct).ConfigureAwait(false);
            return null;
        }
        catch (TransactionCanceledException e) when (e.CancellationReasons?.FindIndex(r => r.Code == "ConditionalCheckFailed") is >= 0 and var index)
        {
            return index;
        }
    }

    /// <summary>The audit record's Put; never overwrites one.</summary>
    public static TransactWriteItem AuditPut(string table, AuditRecord audit) => new()
    {
        Put = new Put { TableName = table, Item = Audit(audit), ConditionExpression = "attribute_not_exists(PK)" },
    };
}
