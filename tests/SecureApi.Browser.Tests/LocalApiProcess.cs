using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SecureApi.Testing;

namespace SecureApi.Browser.Tests;

/// <summary>
/// The API as `dotnet run` starts it: the Debug build (local stage in front), environment Development, content root
/// src/SecureApi, on a free loopback port; stopped (its process tree) on dispose. Its output is kept for failures.
/// </summary>
public sealed class LocalApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringWriterLog _output = new();

    public Uri BaseAddress { get; }

    private LocalApiProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public string Output => _output.ToString();

    public static async Task<LocalApiProcess> StartAsync()
    {
        var contentRoot = Path.Combine(RepositoryRoot.Path, "src", "SecureApi");
        var dll = Path.Combine(contentRoot, "bin", "Debug", "net10.0", "SecureApi.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build src/SecureApi (Debug) first.");
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = contentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";   // the child's environment only
        start.Environment.Remove("AWS_LAMBDA_FUNCTION_NAME");
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the API.");
        var api = new LocalApiProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => api._output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => api._output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await api.WaitUntilServingAsync();
        return api;
    }

    private async Task WaitUntilServingAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The API exited ({_process.ExitCode}):\n{Output}");
            try
            {
                using var response = await http.GetAsync("/public");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The API did not serve /public:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private sealed class StringWriterLog
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
        public void Add(string? line) { if (line is not null) _lines.Enqueue(line); }
        public override string ToString() => string.Join('\n', _lines);
    }
}
