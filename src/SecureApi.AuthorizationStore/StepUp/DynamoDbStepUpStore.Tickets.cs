using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;
using static SecureApi.AuthorizationStore.DynamoDb.ItemMapper;

namespace SecureApi.AuthorizationStore.StepUp;

/// <summary>Enrollment tickets and the bootstrap ticket, spent in the enrollment's transaction (docs/step-up.md#enrollment-tickets).</summary>
public sealed partial class DynamoDbStepUpStore
{
    /// <summary>The write that spends the permit in the enrollment's transaction (second item: its failure means the ticket was refused).</summary>
    private TransactWriteItem? SpendPermit(string principalId, EnrollmentPermit? permit, DateTimeOffset now) => permit switch
    {
        { Kind: EnrollmentPermitKind.Ticket } => new() { Delete = new Delete
        {
            TableName = _table,
            Key = Key(TableKeys.Principal(principalId), TableKeys.MfaTicketSortKey),
            ConditionExpression = "sha256 = :hash AND expiresAt > :now",
            ExpressionAttributeValues = new() { [":hash"] = S(permit.Sha256!), [":now"] = N(now.ToUnixTimeMilliseconds()) },
        } },
        { Kind: EnrollmentPermitKind.Bootstrap } => new() { Put = new Put
        {
            TableName = _table,
            Item = BootstrapSpent(permit.Sha256!, now),
            ConditionExpression = "attribute_not_exists(PK)",
        } },
        _ => null,
    };

    private static Dictionary<string, AttributeValue> BootstrapSpent(string sha256, DateTimeOffset at)
    {
        var item = Key(TableKeys.BootstrapTicket(sha256), TableKeys.BootstrapTicketSortKey);
        item["type"] = S("mfa-bootstrap-spent");
        item["spentAt"] = Time(at);
        return item;
    }

    public Task IssueTicketAsync(string principalId, string sha256, DateTimeOffset expiresAt, AuditActor actor, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        var hash = StoreInput.Sha256(sha256);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("IssueEnrollmentTicket", async ct =>
        {
            var item = Key(TableKeys.Principal(principalId), TableKeys.MfaTicketSortKey);
            item["type"] = S("mfa-ticket");
            item["sha256"] = S(hash);
            item["expiresAt"] = N(expiresAt.ToUnixTimeMilliseconds());
            item[TableKeys.TimeToLive] = N(EpochSecondsRoundedUp(expiresAt));
            List<TransactWriteItem> items = [new() { Put = new Put { TableName = _table, Item = item } }, .. AuditPuts(StepUpAudit.TicketIssued(principalId, _time.GetUtcNow(), expiresAt, actor))];
            if (await TryTransactAsync(items, ct).ConfigureAwait(false) is not null)
                throw new AuthorizationStoreConflictException("The ticket could not be written; nothing was written.");
            return true;
        }, cancellationToken);
    }
}
