namespace SecureApi.Testing;

/// <summary>What to put on the /next response besides the event body. Null = header omitted (as RAPID omits empty ones).</summary>
public sealed record RuntimeApiEventOptions
{
    /// <summary>Default: a fresh GUID.</summary>
    public string? RequestId { get; init; }

    /// <summary>Lambda-Runtime-Deadline-Ms = now + this. Default 30 s; null omits the header.</summary>
    public TimeSpan? Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Lambda-Runtime-Invoked-Function-Arn. Default: an ARN for function "test-function".</summary>
    public string? FunctionArn { get; init; } = "arn:aws:lambda:us-east-1:123456789012:function:test-function";

    /// <summary>Lambda-Runtime-Trace-Id; null omits it (the runtime must then clear _X_AMZN_TRACE_ID).</summary>
    public string? TraceId { get; init; }

    public string? ClientContext { get; init; }
    public string? CognitoIdentity { get; init; }

    /// <summary>Any other headers, e.g. a raw Lambda-Runtime-Deadline-Ms to test parsing.</summary>
    public IReadOnlyDictionary<string, string>? ExtraHeaders { get; init; }
}

/// <summary>The runtime's answer to one event: POST /invocation/{id}/response or /error.</summary>
public sealed record RuntimeApiResult(
    string RequestId,
    string Path,
    byte[] Body,
    string? ContentType,
    IReadOnlyDictionary<string, string> Headers,
    long ReceivedTimestamp)
{
    /// <summary>True when the runtime posted to /error instead of /response.</summary>
    public bool IsError => Path.EndsWith("/error", StringComparison.Ordinal);

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    /// <summary>Header value by case-insensitive name, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

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
