using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SecureApi.Testing;

/// <summary>
/// A real DynamoDB-compatible server for tests: moto's server (Python package moto, `pip install 'moto[server]'`)
/// on a free loopback port, started by the test itself with python3 and killed with its process tree on dispose. It accepts any credentials: pass <see cref="AccessKeyId"/>/<see cref="SecretAccessKey"/>
/// (BasicAWSCredentials) or <see cref="ClientEnvironment"/> to a child process. Data lives in memory only.
/// </summary>
public sealed class DynamoDbCompatibleServer : IAsyncDisposable, IDisposable
{
    public const string AccessKeyId = "testing";
    public const string SecretAccessKey = "testing";
    public const string Region = "us-east-1";
    private static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Queue<string> _outputTail = new();

    private DynamoDbCompatibleServer(Process process, int port)
    {
        _process = process;
        Port = port;
        ServiceUrl = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
    }

    public int Port { get; }

    /// <summary>http://127.0.0.1:port — the AuthorizationStore__ServiceUrl value.</summary>
    public string ServiceUrl { get; }

    /// <summary>Environment for a child process that talks to this server through the SDK's default chains.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_REGION"] = Region,
        ["AuthorizationStore__ServiceUrl"] = ServiceUrl,
    };

    /// <summary>Starts the server and returns once it answers HTTP; throws with its output when it cannot start.</summary>
    public static async Task<DynamoDbCompatibleServer> StartAsync(CancellationToken cancellationToken = default)
    {
        await TestPrerequisites.EnsureMotoAsync();
        var port = FreeLoopbackPort();
        var start = Command(port);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var server = new DynamoDbCompatibleServer(process, port);
        process.OutputDataReceived += (_, e) => server.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilAnsweringAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A loopback port with nothing listening (right after the call): the "store unreachable" target.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// moto's own WSGI application under werkzeug, one request at a time (moto_server has no flag for it).
    /// DynamoDB applies each conditional write atomically; moto's threaded server does not: two threads can both
    /// pass a condition like <c>n &lt; :limit</c> and one increment is lost (seen: 51 of 50 admitted). The rate-limit,
    /// replay and lockout tests race conditional writes from many clients, so every test server serializes.
    /// </summary>
    /// <summary>
    /// moto's server (its own main()) with every item write behind one lock. DynamoDB applies each conditional write
    /// atomically; moto checks the condition and applies the write as separate steps, so two concurrent conditional
    /// updates of one item can both pass (seen: 51–54 of a quota of 50 admitted, and a lost increment). The
    /// rate-limit, replay and lockout tests race conditional writes, so every test server has DynamoDB's guarantee.
    /// The handler that answers holds the lock as well: it reads the item for ReturnValues after the write, and a
    /// write in between would show up in another request's answer. Reads stay concurrent. moto_server has no option for this, hence the few lines of Python.
    /// </summary>
    private const string MotoWithAtomicWrites = """
        import sys, threading
        import moto.server as server
        from moto.dynamodb.models import DynamoDBBackend
        from moto.dynamodb.responses import DynamoHandler
        lock = threading.RLock()  # re-entrant: transact_write_items calls the other writes
        def atomic(write):
            def locked(self, *args, **kwargs):
                with lock:
                    return write(self, *args, **kwargs)
            return locked
        for name in ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item"):
            setattr(DynamoDBBackend, name, atomic(getattr(DynamoDBBackend, name)))
            setattr(DynamoHandler, name, atomic(getattr(DynamoHandler, name)))  # the answer too: ALL_NEW is read after the write
        server.main(sys.argv[1:])
        """;

    private static ProcessStartInfo Command(int port)
    {
        var info = new ProcessStartInfo(FindOnPath("python3") ?? "python3");
        foreach (var a in new[] { "-c", MotoWithAtomicWrites, "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        return info;
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartBudget)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The DynamoDB-compatible server exited (code {_process.ExitCode}); is moto[server] installed? Output: {Tail()}");
            try
            {
                using var response = await http.GetAsync(ServiceUrl + "/moto-api/", cancellationToken);
                return; // Any HTTP answer means it is serving.
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One slow probe; try again.
            }
        }
        throw new TimeoutException($"The DynamoDB-compatible server did not answer on {ServiceUrl} within {StartBudget.TotalSeconds:0} s. Output: {Tail()}");
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_outputTail)
        {
            _outputTail.Enqueue(line);
            while (_outputTail.Count > 20) _outputTail.Dequeue();
        }
    }

    private string Tail()
    {
        lock (_outputTail) return string.Join(" | ", _outputTail);
    }
}
