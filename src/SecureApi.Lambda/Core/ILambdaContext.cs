namespace SecureApi.Lambda.Core;

/// <summary>Per-invocation facts from the Runtime API headers and the function's environment (like Amazon.Lambda.Core.ILambdaContext).</summary>
public interface ILambdaContext
{
    string AwsRequestId { get; }
    string FunctionName { get; }
    string FunctionVersion { get; }
    string InvokedFunctionArn { get; }
    int MemoryLimitInMB { get; }
    string LogGroupName { get; }
    string LogStreamName { get; }
    string? TraceId { get; }

    /// <summary>Deadline minus now; the only timeout signal Lambda gives user code.</summary>
    TimeSpan RemainingTime { get; }
    ILambdaLogger Logger { get; }

    /// <summary>Mobile-SDK client context (Lambda-Runtime-Client-Context), parsed on first use; null when absent.</summary>
    IClientContext? ClientContext => null;

    /// <summary>Cognito identity (Lambda-Runtime-Cognito-Identity), parsed on first use; null when absent.</summary>
    ICognitoIdentity? Identity => null;

    /// <summary>Lambda-Runtime-Aws-Tenant-Id; null when absent.</summary>
    string? TenantId => null;
}

public interface ILambdaLogger
{
    void Log(string message);
    void LogLine(string message);
}

/// <summary>Turns an event stream into the handler's input and its output back into a stream.</summary>
public interface ILambdaSerializer
{
    T Deserialize<T>(Stream requestStream);
    void Serialize<T>(T response, Stream responseStream);
}
