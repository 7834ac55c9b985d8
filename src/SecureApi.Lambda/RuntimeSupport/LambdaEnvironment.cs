namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>
/// The function-level context fields, read once per bootstrap from the env vars Lambda sets
/// (docs/wire-contracts.md §1.2); every invocation's <see cref="LambdaContext"/> shares them.
/// </summary>
public sealed record LambdaEnvironment(
    string FunctionName,
    string FunctionVersion,
    int MemoryLimitInMB,
    string LogGroupName,
    string LogStreamName)
{
    /// <summary>True inside a Lambda execution environment: the one switch between Lambda and Kestrel modes.</summary>
    public static bool IsLambda => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME"));

    public static LambdaEnvironment FromEnvironmentVariables()
    {
        _ = int.TryParse(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), out var memory);
        return new LambdaEnvironment(
            Read("AWS_LAMBDA_FUNCTION_NAME"),
            Read("AWS_LAMBDA_FUNCTION_VERSION"),
            memory,
            Read("AWS_LAMBDA_LOG_GROUP_NAME"),
            Read("AWS_LAMBDA_LOG_STREAM_NAME"));
    }

    private static string Read(string name) => Environment.GetEnvironmentVariable(name) ?? string.Empty;
}
