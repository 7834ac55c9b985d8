using SecureApi.Lambda.Core;

namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>
/// <see cref="ILambdaContext"/> for one invocation. Client context and Cognito identity stay raw header
/// strings until someone reads them: almost no handler does, and parsing costs cold-start time.
/// </summary>
public sealed class LambdaContext(
    LambdaEnvironment environment,
    string awsRequestId,
    long deadlineUnixMs,
    string? invokedFunctionArn,
    string? traceId,
    string? clientContextJson = null,
    string? cognitoIdentityJson = null,
    string? tenantId = null) : ILambdaContext
{
    private IClientContext? _clientContext;
    private ICognitoIdentity? _identity;

    public string AwsRequestId { get; } = awsRequestId;
    public string FunctionName => environment.FunctionName;
    public string FunctionVersion => environment.FunctionVersion;
    public string InvokedFunctionArn { get; } = invokedFunctionArn ?? string.Empty;
    public int MemoryLimitInMB => environment.MemoryLimitInMB;
    public string LogGroupName => environment.LogGroupName;
    public string LogStreamName => environment.LogStreamName;
    public string? TraceId { get; } = traceId;
    public string? TenantId { get; } = tenantId;
    public ILambdaLogger Logger => ConsoleLambdaLogger.Instance;

    /// <summary>Epoch milliseconds from Lambda-Runtime-Deadline-Ms; 0 when the header was missing or unparsable.</summary>
    public long DeadlineUnixMs { get; } = deadlineUnixMs;

    /// <summary>Deadline minus now, never negative (a missing deadline reads as zero time left).</summary>
    public TimeSpan RemainingTime
    {
        get
        {
            var remaining = DeadlineUnixMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            return remaining > 0 ? TimeSpan.FromMilliseconds(remaining) : TimeSpan.Zero;
        }
    }

    public IClientContext? ClientContext => _clientContext ??= ClientContextJson.Parse(clientContextJson);
    public ICognitoIdentity? Identity => _identity ??= CognitoIdentityJson.Parse(cognitoIdentityJson);
}
