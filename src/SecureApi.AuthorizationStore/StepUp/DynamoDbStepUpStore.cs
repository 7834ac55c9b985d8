using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;
using static SecureApi.AuthorizationStore.DynamoDb.ItemMapper;

namespace SecureApi.AuthorizationStore.StepUp;

/// <summary>
/// The step-up store on the authorization store's table (keys: <see cref="TableKeys"/>, low-level client). Replay and
/// lockout hold across instances because every decision is a conditional write: the last time step only moves
/// forward, an attempt is reserved by an atomic ADD that succeeds only while the running window has room.
/// Short-lived items (failures, windows) carry the table's TTL attribute; reads compare times themselves, since TTL deletes late.
/// </summary>
public sealed partial class DynamoDbStepUpStore : IStepUpStore
{
    private const int MaxAttempts = 3;
    private const string Pending = "pending";
    private const string Confirmed = "confirmed";

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly TimeProvider _time;
    private readonly BoundedCall _bounded;

    public DynamoDbStepUpStore(IAmazonDynamoDB client, AuthorizationStoreOptions options, TimeProvider time)
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

    /// <summary>The client it was given (the authorization store's, through <see cref="StepUpStoreFactory"/>).</summary>
    internal IAmazonDynamoDB Client => _client;

    public Task<MfaEnrollment?> GetEnrollmentAsync(string principalId, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        return _bounded.RunAsync("GetMfaEnrollment", async ct =>
        {
            var item = await GetAsync(TableKeys.Principal(principalId), TableKeys.MfaEnrollmentSortKey, ct).ConfigureAwait(false);
            return item is null ? null : ToEnrollment(principalId, item);
        }, cancellationToken);
    }

    public Task<StartEnrollmentOutcome> StartEnrollmentAsync(string principalId, byte[] encryptedSecret, AuditActor actor, EnrollmentPermit? permit = null,
        CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        StepUpInput.Secret(encryptedSecret);
        StepUpInput.Permit(permit);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("StartMfaEnrollment", async ct =>
        {
            var now = _time.GetUtcNow();
            var item = Key(TableKeys.Principal(principalId), TableKeys.MfaEnrollmentSortKey);
            item["type"] = S("mfa-enrollment");
            item["secret"] = new AttributeValue { B = new MemoryStream(encryptedSecret, writable: false) };
            item["status"] = S(Pending);
            item["createdAt"] = Time(now);
            List<TransactWriteItem> items =
            [
                new() { Put = new Put
                {
                    TableName = _table, Item = item,
                    ConditionExpression = "attribute_not_exists(PK) OR #status = :pending",
                    ExpressionAttributeNames = new() { ["#status"] = "status" },
                    ExpressionAttributeValues = new() { [":pending"] = S(Pending) },
                } },
                .. AuditPuts(StepUpAudit.Started(principalId, now, actor, permit)),
            ];
            if (SpendPermit(principalId, permit, now) is { } spend) items.Insert(1, spend);
            return await TryTransactAsync(items, ct).ConfigureAwait(false) switch
            {
                null => StartEnrollmentOutcome.Started,
                0 => StartEnrollmentOutcome.Confirmed,
                _ => StartEnrollmentOutcome.TicketRefused,
            };
        }, cancellationToken);
    }

    public Task<bool> ConfirmEnrollmentAsync(string principalId, DateTimeOffset createdAt, AuditActor actor, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("ConfirmMfaEnrollment", async ct =>
        {
            var now = _time.GetUtcNow();
            List<TransactWriteItem> items =
            [
                new() { Update = new Update
                {
                    TableName = _table,
                    Key = Key(TableKeys.Principal(principalId), TableKeys.MfaEnrollmentSortKey),
                    UpdateExpression = "SET #status = :confirmed, confirmedAt = :now",
                    ConditionExpression = "#status = :pending AND createdAt = :created",
                    ExpressionAttributeNames = new() { ["#status"] = "status" },
                    ExpressionAttributeValues = new()
                    {
                        [":confirmed"] = S(Confirmed), [":pending"] = S(Pending), [":now"] = Time(now), [":created"] = Time(createdAt),
                    },
                } },
                .. AuditPuts(StepUpAudit.Confirmed(principalId, now, actor)),
            ];
            return await TryTransactAsync(items, ct).ConfigureAwait(false) is null;
        }, cancellationToken);
    }

    public Task<bool> DeleteEnrollmentAsync(string principalId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        actor = AuditEntries.Actor(actor);
        return _bounded.RunAsync("DeleteMfaEnrollment", async ct =>
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var item = await GetAsync(TableKeys.Principal(principalId), TableKeys.MfaEnrollmentSortKey, ct).ConfigureAwait(false);
                if (item is null) return false;
                var existing = ToEnrollment(principalId, item);
                List<TransactWriteItem> items =
                [
                    // Deletes exactly the enrollment that was read, so the audit record names its status truthfully.
                    new() { Delete = new Delete
                    {
                        TableName = _table,
                        Key = Key(TableKeys.Principal(principalId), TableKeys.MfaEnrollmentSortKey),
                        ConditionExpression = "createdAt = :created AND #status = :status",
                        ExpressionAttributeNames = new() { ["#status"] = "status" },
                        ExpressionAttributeValues = new() { [":created"] = item["createdAt"], [":status"] = item["status"] },
                    } },
                    // Closes the principal's open windows on every instance: each was tagged with the generation before this.
                    new() { Update = new Update
                    {
                        TableName = _table,
                        Key = Key(TableKeys.Principal(principalId), TableKeys.MfaResetSortKey),
                        UpdateExpression = "ADD generation :one SET #type = :type",
                        ExpressionAttributeNames = new() { ["#type"] = "type" },
                        ExpressionAttributeValues = new() { [":one"] = N(1), [":type"] = S("mfa-reset") },
                    } },
                    .. AuditPuts(StepUpAudit.Deleted(principalId, existing.Status, _time.GetUtcNow(), actor)),
                ];
                if (await TryTransactAsync(items, ct).ConfigureAwait(false) is null) return true;
            }
            throw new AuthorizationStoreConflictException("The enrollment kept changing concurrently; nothing was deleted.");
        }, cancellationToken);
    }

    public Task<bool> TryAcceptTimeStepAsync(string principalId, long timeStep, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        return _bounded.RunAsync("AcceptTimeStep", async ct =>
        {
            try
            {
                await _client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = _table,
                    Key = Key(TableKeys.Principal(principalId), TableKeys.MfaLastStepSortKey),
                    UpdateExpression = "SET #step = :step, #type = :type",
                    ConditionExpression = "attribute_not_exists(#step) OR #step < :step",
                    ExpressionAttributeNames = new() { ["#step"] = "step", ["#type"] = "type" },
                    ExpressionAttributeValues = new() { [":step"] = N(timeStep), [":type"] = S("mfa-last-step") },
                }, ct).ConfigureAwait(false);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        }, cancellationToken);
    }

    public Task OpenWindowAsync(string credentialId, string principalId, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        StepUpInput.CredentialId(credentialId);
        StepUpInput.PrincipalId(principalId);
        return _bounded.RunAsync("OpenStepUpWindow", async ct =>
        {
            var generation = await ResetGenerationAsync(principalId, ct).ConfigureAwait(false);
            var item = Key(TableKeys.StepUpWindow(credentialId), TableKeys.StepUpWindowSortKey);
            item["type"] = S("stepup-window");
            item["principalId"] = S(principalId);
            item["generation"] = N(generation);
            item["until"] = N(until.ToUnixTimeMilliseconds());
            item[TableKeys.TimeToLive] = N(EpochSecondsRoundedUp(until));
            await _client.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<StepUpWindow?> GetWindowAsync(string credentialId, CancellationToken cancellationToken = default)
    {
        StepUpInput.CredentialId(credentialId);
        return _bounded.RunAsync("GetStepUpWindow", async ct =>
        {
            var item = await GetAsync(TableKeys.StepUpWindow(credentialId), TableKeys.StepUpWindowSortKey, ct).ConfigureAwait(false);
            if (item is null) return null;
            var until = DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "until"));
            var principal = item.TryGetValue("principalId", out var p) && p.S is { Length: > 0 } s ? s : throw new FormatException("principalId missing.");
            if (until <= _time.GetUtcNow()) return null;
            var generation = item.ContainsKey("generation") ? Long(item, "generation") : 0;
            return generation == await ResetGenerationAsync(principal, ct).ConfigureAwait(false) ? new StepUpWindow(credentialId, principal, until) : null;
        }, cancellationToken);
    }

    /// <summary>How many times the principal's enrollment was deleted or reset (0: never).</summary>
    private async Task<long> ResetGenerationAsync(string principalId, CancellationToken ct) =>
        await GetAsync(TableKeys.Principal(principalId), TableKeys.MfaResetSortKey, ct).ConfigureAwait(false) is { } reset ? Long(reset, "generation") : 0;

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(string pk, string sk, CancellationToken ct)
    {
        var response = await _client.GetItemAsync(new GetItemRequest { TableName = _table, Key = Key(pk, sk), ConsistentRead = true }, ct).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private Task<int?> TryTransactAsync(List<TransactWriteItem> items, CancellationToken ct) =>
        AuditedTransaction.TryWriteAsync(_client, items, ct);

    private TransactWriteItem[] AuditPuts(AuditRecord audit) => AuditedTransaction.AuditPuts(_table, audit);

    private static MfaEnrollment ToEnrollment(string principalId, Dictionary<string, AttributeValue> item)
    {
        var secret = item.TryGetValue("secret", out var b) && b.B is { Length: > 0 } stream ? stream.ToArray() : throw new FormatException("secret missing.");
        var status = item.TryGetValue("status", out var st) ? st.S switch
        {
            Pending => MfaEnrollmentStatus.Pending,
            Confirmed => MfaEnrollmentStatus.Confirmed,
            _ => throw new FormatException("Unknown enrollment status."),
        } : throw new FormatException("status missing.");
        return new MfaEnrollment(principalId, secret, status, ParseTime(item, "createdAt"),
            item.ContainsKey("confirmedAt") ? ParseTime(item, "confirmedAt") : null);
    }

    private static FailedAttempts ToFailures(Dictionary<string, AttributeValue> item) =>
        new((int)Long(item, "failures"), DateTimeOffset.FromUnixTimeMilliseconds(Long(item, "windowEnds")));

    private static long Long(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.N is { } n ? long.Parse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : throw new FormatException(name + " missing.");

    private static DateTimeOffset ParseTime(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.S is { } s
            ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : throw new FormatException(name + " missing.");
}
