namespace SecureApi.Testing;

/// <summary>A queued event: its request id and the answer the runtime will post.</summary>
public sealed class RuntimeApiInvocation
{
    internal RuntimeApiInvocation(string requestId, byte[] body, IReadOnlyDictionary<string, string> headers, TimeSpan? timeout)
    {
        RequestId = requestId;
        Body = body;
        Headers = headers;
        Timeout = timeout;
    }

    public string RequestId { get; }
    internal byte[] Body { get; }
    internal IReadOnlyDictionary<string, string> Headers { get; }
    internal TimeSpan? Timeout { get; }
    internal TaskCompletionSource<RuntimeApiResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the runtime posts /response or /error for this request id.</summary>
    public Task<RuntimeApiResult> Result => Completion.Task;

    /// <summary><see cref="Result"/> with a timeout, so a broken runtime fails a test instead of hanging it.</summary>
    public Task<RuntimeApiResult> WaitAsync(TimeSpan? timeout = null)
        => Result.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
}
