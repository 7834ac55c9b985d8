using System.Diagnostics;
using Amazon.Runtime;

namespace SecureApi.AuthorizationStore.DynamoDb;

/// <summary>
/// Runs one store operation (with the SDK's retries inside) within the time budget and turns every way it can
/// fail — timeout, network, throttling, missing table, malformed item — into
/// <see cref="AuthorizationStoreUnavailableException"/>. Messages carry the operation and an error code, never
/// request or item content. Cancellation by the caller stays an OperationCanceledException. Every call is counted
/// and timed here (<see cref="StoreMetrics"/>, docs/metrics.md).
/// </summary>
internal sealed class BoundedCall(TimeSpan budget)
{
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await BoundedAsync(operation, call, cancellationToken).ConfigureAwait(false);
            StoreMetrics.Called(operation, succeeded: true, Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (AuthorizationStoreUnavailableException)
        {
            StoreMetrics.Called(operation, succeeded: false, Stopwatch.GetElapsedTime(started));
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            StoreMetrics.Called(operation, succeeded: true, Stopwatch.GetElapsedTime(started)); // it answered: a conflict, say
            throw;
        }
    }

    private async Task<T> BoundedAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(budget);
        try
        {
            // WaitAsync as well: the budget holds even if some SDK stage ignored the token.
            return await call(timeout.Token).WaitAsync(budget, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            throw new AuthorizationStoreUnavailableException(
                $"The authorization store did not answer {operation} within {budget.TotalMilliseconds:0} ms.", e);
        }
        catch (AmazonServiceException e)
        {
            throw new AuthorizationStoreUnavailableException(
                $"The authorization store refused {operation} ({e.ErrorCode ?? e.GetType().Name}, HTTP {(int)e.StatusCode}).", e);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            throw new AuthorizationStoreUnavailableException($"The authorization store could not be reached for {operation} ({e.GetType().Name}).", e);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentException)
        {
            // A stored item the mapper cannot read: treat as unavailable (fail closed), never as "not found".
            throw new AuthorizationStoreUnavailableException($"The authorization store returned a malformed item for {operation}.", e);
        }
    }
}
