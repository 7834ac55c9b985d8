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
