using SecureApi.Testing;
using System.Diagnostics;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// The three functions as serverless.template deploys them: Native AOT, linux-x64, one native executable named
/// after the Handler (= assembly name) in each publish folder.
/// <para>
/// .ci/run publishes each project once into artifacts/publish/&lt;Name&gt; (and fails on any AOT warning) and sets
/// SECUREAPI_PUBLISH_DIR, so CI never publishes twice. Without the variable (a developer's
/// <c>dotnet test</c>) the first use of each function in this test process publishes it into the same folder
/// (recreated; ILC's incremental build in obj/ keeps reruns cheap); every later use, from any fixture, gets that
/// one publish — republishing would delete the executable under a fixture whose function is running.
/// </para>
/// </summary>
public static class PublishedFunctions
{
    public const string EnvironmentVariable = "SECUREAPI_PUBLISH_DIR";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, Task<string>> Published = new(StringComparer.Ordinal);

    /// <summary>The path of the native executable for <paramref name="codeUri"/> (a project folder) and its handler.</summary>
    public static async Task<string> GetExecutableAsync(string codeUri, string handler)
    {
        var fromCi = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromCi))
        {
            var path = Path.Combine(fromCi, handler, handler);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{EnvironmentVariable} is set but {path} does not exist; run .ci/run or unset it.", path);
            return path;
        }

        Task<string> publish;
        lock (Published)
        {
            if (!Published.TryGetValue(handler, out publish!))
                Published[handler] = publish = Task.Run(() => PublishOnceAsync(codeUri, handler));
        }
        return await publish;
    }

    private static async Task<string> PublishOnceAsync(string codeUri, string handler)
    {
        var output = Path.Combine(RepositoryRoot.Path, "artifacts", "publish", handler);
        await Gate.WaitAsync();
        try
        {
            // publish -o never removes files, and a stale <Handler>.dll or .dbg would not be what the template deploys.
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            await PublishAsync(Path.Combine(RepositoryRoot.Path, codeUri), output);
        }
        finally
        {
            Gate.Release();
        }
        var exe = Path.Combine(output, handler);
        if (!File.Exists(exe)) throw new FileNotFoundException($"Publishing {codeUri} produced no executable named {handler}.", exe);
        return exe;
    }

    private static async Task PublishAsync(string projectFolder, string output)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var arg in new[] { "publish", projectFolder, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", output, "--nologo" })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet publish did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish {projectFolder} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }
}
