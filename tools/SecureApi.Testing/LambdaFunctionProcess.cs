using System.Collections.Concurrent;
using System.Diagnostics;

namespace SecureApi.Testing;

/// <summary>
/// One function running as Lambda runs it: an executable (a published native one, or <c>dotnet exec x.dll</c>)
/// started with the environment the managed dotnet10 bootstrap provides (AWS_LAMBDA_RUNTIME_API,
/// AWS_LAMBDA_FUNCTION_NAME, _HANDLER, …) plus the function's own configuration, and nothing from the test host's
/// environment that could change its behaviour. Output is captured (for diagnostics and for "never logs a secret"
/// checks); disposing kills the process tree. The one launcher every test that starts a function uses.
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

    public int ExitCode => _process.ExitCode;

    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    /// <summary>Everything the function wrote to stdout/stderr so far (Lambda ships both to CloudWatch Logs).</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>A built (not published) .NET function: <c>dotnet exec {assembly}.dll</c> from the test's output folder.</summary>
    public static LambdaFunctionProcess StartAssembly(
        string assembly, string runtimeApi, IReadOnlyDictionary<string, string> configuration) =>
        Start("dotnet", assembly, runtimeApi, configuration, ["exec", Path.Combine(AppContext.BaseDirectory, assembly + ".dll")]);

    public static LambdaFunctionProcess Start(
        string executable, string functionName, string runtimeApi, IReadOnlyDictionary<string, string> configuration,
        IReadOnlyList<string>? arguments = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(executable, arguments ?? [])
        {
            WorkingDirectory = workingDirectory ?? (arguments is null ? Path.GetDirectoryName(executable)! : AppContext.BaseDirectory),
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
        LambdaProcessEnvironment.Apply(env, functionName, runtimeApi,
            handler: arguments is null ? Path.GetFileName(executable) : functionName,
            taskRoot: arguments is null ? Path.GetDirectoryName(executable)! : AppContext.BaseDirectory);
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
