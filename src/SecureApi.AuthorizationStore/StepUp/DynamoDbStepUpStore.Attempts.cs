using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SecureApi.AuthorizationStore.DynamoDb;
using static SecureApi.AuthorizationStore.DynamoDb.ItemMapper;

namespace SecureApi.AuthorizationStore.StepUp;

/// <summary>The lockout's failure counter: attempts reserved by conditional writes (docs/step-up.md#lockout).</summary>
public sealed partial class DynamoDbStepUpStore
{
    public Task<FailedAttempts?> GetFailedAttemptsAsync(string principalId, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        return _bounded.RunAsync("GetFailedAttempts", async ct =>
        {
            var item = await GetAsync(TableKeys.Principal(principalId), TableKeys.MfaFailuresSortKey, ct).ConfigureAwait(false);
            if (item is null) return null;
            var failures = ToFailures(item);
            return failures.WindowEndsAt > _time.GetUtcNow() && failures.Count > 0 ? failures : null;
        }, cancellationToken);
    }

    public Task<AttemptReservation> TryReserveAttemptAsync(string principalId, int maxAttempts, TimeSpan window, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        StepUpInput.Positive(window, nameof(window));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        return _bounded.RunAsync("ReserveAttempt", async ct =>
        {
            var key = Key(TableKeys.Principal(principalId), TableKeys.MfaFailuresSortKey);
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var now = _time.GetUtcNow();
                var nowMs = N(now.ToUnixTimeMilliseconds());
                try
                {
                    // Inside a running window with failures counted, below the limit: one atomic ADD. The condition is the lock.
                    var added = await _client.UpdateItemAsync(new UpdateItemRequest
                    {
                        TableName = _table,
                        Key = key,
                        UpdateExpression = "ADD failures :one",
                        ConditionExpression = "windowEnds > :now AND failures < :max AND failures > :zero",
                        ExpressionAttributeValues = new() { [":one"] = N(1), [":now"] = nowMs, [":max"] = N(maxAttempts), [":zero"] = N(0) },
                        ReturnValues = ReturnValue.ALL_NEW,
                    }, ct).ConfigureAwait(false);
                    return new AttemptReservation(true, ToFailures(added.Attributes));
                }
                catch (ConditionalCheckFailedException)
                {
                }
                try
                {
                    // No window, an ended one TTL has not removed yet, or one whose attempts were all given back: start
                    // a new one, unless another instance just did.
                    var ends = now + window;
                    var item = Key(TableKeys.Principal(principalId), TableKeys.MfaFailuresSortKey);
                    item["type"] = S("mfa-failures");
                    item["failures"] = N(1);
                    item["windowEnds"] = N(ends.ToUnixTimeMilliseconds());
                    item[TableKeys.TimeToLive] = N(EpochSecondsRoundedUp(ends));
                    await _client.PutItemAsync(new PutItemRequest
                    {
                        TableName = _table,
                        Item = item,
                        ConditionExpression = "attribute_not_exists(PK) OR windowEnds <= :now OR failures = :zero",
                        ExpressionAttributeValues = new() { [":now"] = nowMs, [":zero"] = N(0) },
                    }, ct).ConfigureAwait(false);
                    return new AttemptReservation(true, new FailedAttempts(1, DateTimeOffset.FromUnixTimeMilliseconds(ends.ToUnixTimeMilliseconds())));
                }
                catch (ConditionalCheckFailedException)
                {
                }
                // Both conditions failed: a window is running; full → locked out, else it changed under us: try again.
                if (await GetAsync(TableKeys.Principal(principalId), TableKeys.MfaFailuresSortKey, ct).ConfigureAwait(false) is { } stored
                    && ToFailures(stored) is var running && running.WindowEndsAt > _time.GetUtcNow() && running.Count >= maxAttempts)
                    return new AttemptReservation(false, running);
            }
            throw new AuthorizationStoreConflictException("The failure counter kept changing concurrently.");
        }, cancellationToken);
    }

    public Task ReleaseAttemptAsync(string principalId, AttemptReservation reservation, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        ArgumentNullException.ThrowIfNull(reservation);
        if (!reservation.Reserved) return Task.CompletedTask;
        return _bounded.RunAsync("ReleaseAttempt", async ct =>
        {
            try
            {
                // Only in the window it was reserved in: a new window owes it nothing.
                await _client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = _table,
                    Key = Key(TableKeys.Principal(principalId), TableKeys.MfaFailuresSortKey),
                    UpdateExpression = "ADD failures :minusOne",
                    ConditionExpression = "windowEnds = :ends AND failures > :zero",
                    ExpressionAttributeValues = new()
                    {
                        [":minusOne"] = N(-1), [":zero"] = N(0), [":ends"] = N(reservation.Attempts.WindowEndsAt.ToUnixTimeMilliseconds()),
                    },
                }, ct).ConfigureAwait(false);
            }
            catch (ConditionalCheckFailedException)
            {
            }
            return true;
        }, cancellationToken);
    }
}
