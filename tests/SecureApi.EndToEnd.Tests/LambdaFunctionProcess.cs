using System.Collections.Concurrent;
using System.Diagnostics;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// One published function running as Lambda runs it: the native executable started with the environment the
/// managed dotnet10 bootstrap provides (AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_NAME, _HANDLER, …) plus the
/// function's own configuration. Output is captured (for diagnostics and for "never logs a secret" checks);
/// disposing kills the process tree.
/// </summary>
public sealed class LambdaFunctionProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private LambdaFunctionProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the function wrote to stdout/stderr so far (Lambda ships both to CloudWatch Logs).</summary>
    public string Output => string.Join('\n', _output);

    public static LambdaFunctionProcess Start(
        string executable, string functionName, string runtimeApi, IReadOnlyDictionary<string, string> configuration)
    {
        var psi = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetDirectoryName(executable)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        // Nothing from the test host's environment that could change the function's behaviour.
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("AWS_", StringComparison.Ordinal) || key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) ||
                key.StartsWith("DOTNET_", StringComparison.Ordinal) || key.Contains("__", StringComparison.Ordinal))
                psi.Environment.Remove(key);

        var env = psi.Environment;
        env["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        env["AWS_LAMBDA_FUNCTION_NAME"] = functionName;
        env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "256";
        env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/secureapi/" + functionName;
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = "e2e";
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = "us-east-1";
        env["AWS_EXECUTION_ENV"] = "AWS_Lambda_dotnet10";
        env["_HANDLER"] = Path.GetFileName(executable);
        env["LAMBDA_TASK_ROOT"] = psi.WorkingDirectory;
        foreach (var (key, value) in configuration) env[key] = value;

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"{executable} did not start");
        return new LambdaFunctionProcess(functionName, process);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
