namespace SecureApi.Testing;

/// <summary>
/// The environment Lambda gives an on-demand function process (docs/wire-contracts.md §1.5), for every harness that
/// starts one: the test launcher and the cold-start benchmark.
/// </summary>
public static class LambdaProcessEnvironment
{
    public static void Apply(IDictionary<string, string?> env, string functionName, string runtimeApi, string handler, string taskRoot)
    {
        env["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        env["AWS_LAMBDA_FUNCTION_NAME"] = functionName;
        env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "256";
        env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + functionName;
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = "local/[$LATEST]harness";
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = "us-east-1";
        env["AWS_EXECUTION_ENV"] = "AWS_Lambda_dotnet10";
        env["_HANDLER"] = handler;
        env["LAMBDA_TASK_ROOT"] = taskRoot;
        env["TZ"] = ":UTC";
    }
}
