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

    /// <summary>
    /// The audit record's Puts, never overwriting one: in its day's partition, and in the partition of the principal it
    /// concerns (GET /protected/admin/audit?principalId=…, one Query).
    /// </summary>
    public static TransactWriteItem[] AuditPuts(string table, AuditRecord audit) => audit.PrincipalId is { } principalId
        ? [Put(table, Audit(audit, TableKeys.AuditDay(DateOnly.FromDateTime(audit.At.UtcDateTime)))), Put(table, Audit(audit, TableKeys.AuditOfPrincipal(principalId)))]
        : [Put(table, Audit(audit, TableKeys.AuditDay(DateOnly.FromDateTime(audit.At.UtcDateTime))))];

    private static TransactWriteItem Put(string table, Dictionary<string, AttributeValue> item) => new()
    {
        Put = new Put { TableName = table, Item = item, ConditionExpression = "attribute_not_exists(PK)" },
    };
}
