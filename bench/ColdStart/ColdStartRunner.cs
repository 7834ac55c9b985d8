using System.Diagnostics;
using SecureApi.Testing;

namespace ColdStart;

/// <summary>Timings, page faults (one per measured run that could be read) and failures for one candidate.</summary>
public sealed record CandidateResult(Candidate Candidate, List<double> Milliseconds, List<double> MinorFaults, List<string> Failures);

/// <summary>
/// One run = a fresh Runtime API double with the event already queued, a fresh process, and the time from
/// just before Process.Start to the moment its POST /response arrives. The process's minor page faults are read right
/// then (the few the runtime takes between posting and the harness reading are included). The process is killed afterwards.
/// </summary>
public static class ColdStartRunner
{
    public static async Task<IReadOnlyList<CandidateResult>> RunAllAsync(BenchOptions options)
    {
        var results = options.Candidates.Select(c => new CandidateResult(c, [], [], [])).ToList();
        for (var round = 0; round <= options.Runs; round++)
        {
            var warmUp = round == 0; // fills the OS page cache and JITs the harness; not reported
            foreach (var result in results)
            {
                var (ms, faults, failure) = await RunOnceAsync(result.Candidate, options).ConfigureAwait(false);
                if (failure is not null)
                {
                    result.Failures.Add($"{(warmUp ? "warm-up" : $"run {round}")}: {failure}");
                }
                else if (!warmUp)
                {
                    result.Milliseconds.Add(ms);
                    if (faults is { } count) result.MinorFaults.Add(count);
                }
            }

            Console.Write(warmUp ? "warm-up done " : ".");
        }

        Console.WriteLine();
        return results;
    }

    private static async Task<(double Ms, long? Faults, string? Failure)> RunOnceAsync(Candidate candidate, BenchOptions options)
    {
        await using var api = await RuntimeApiDouble.StartAsync().ConfigureAwait(false);
        var invocation = api.Enqueue(options.Event, new RuntimeApiEventOptions
        {
            FunctionArn = $"arn:aws:lambda:us-east-1:123456789012:function:{candidate.Name}",
            TraceId = "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0",
        });
        var output = new OutputTail();
        using var process = new Process { StartInfo = candidate.StartInfo(api.Endpoint, options.Environment) };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);

        var started = Stopwatch.GetTimestamp();
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            return (0, null, $"could not start '{candidate.CommandLine}': {ex.Message}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(invocation.Result, exited, Task.Delay(options.Timeout)).ConfigureAwait(false);
            if (first == invocation.Result)
            {
                var result = await invocation.Result.ConfigureAwait(false);
                var faults = PageFaults.MinorFaults(process.Id);
                if (result.IsError)
                {
                    return (0, null, $"posted {result.Path} instead of /response: {Truncate(result.BodyText)}{output}");
                }

                if (options.ShowResponse)
                {
                    Console.WriteLine($"{candidate.Name} response: {Truncate(result.BodyText)}");
                }

                return (Stopwatch.GetElapsedTime(started, result.ReceivedTimestamp).TotalMilliseconds, faults, null);
            }

            if (first == exited)
            {
                var initError = api.InitErrors.FirstOrDefault();
                return (0, null, $"exited with code {process.ExitCode} before responding"
                    + (initError is null ? string.Empty : $"; init error: {Truncate(initError.BodyText)}") + output);
            }

            return (0, null, $"no response within {options.Timeout.TotalSeconds:0} s{output}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "...";

    /// <summary>The last lines the process wrote, shown with a failure.</summary>
    private sealed class OutputTail
    {
        private readonly Queue<string> _lines = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > 10)
                {
                    _lines.Dequeue();
                }
            }
        }

        public override string ToString()
        {
            lock (_lines)
            {
                return _lines.Count == 0 ? string.Empty : "\n      | " + string.Join("\n      | ", _lines);
            }
        }
    }
}
