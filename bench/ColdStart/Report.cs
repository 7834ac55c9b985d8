using System.Globalization;

namespace ColdStart;

/// <summary>The results table: min / p50 / p90 / max ms per candidate, p50 relative to the first candidate, and the p50 of minor page faults.</summary>
public static class Report
{
    public static void Print(BenchOptions options, IReadOnlyList<CandidateResult> results)
    {
        Console.WriteLine($"Cold start = Process.Start -> POST /response arrives. {options.Runs} interleaved runs per candidate " +
                          $"(+1 warm-up, excluded); event {Path.GetFileName(options.EventPath)} ({options.Event.Length} B); {Environment.ProcessorCount} CPUs.");
        var perPage = PageFaults.FirstTouchMicrosecondsPerPage().ToString("0.00", CultureInfo.InvariantCulture);
        Console.WriteLine($"Host: the first write to a fresh {Environment.SystemPageSize / 1024} KiB page costs {perPage} µs " +
                          "(faults p50 × that ≈ the part of a cold start the host's paging prices; see README.md).");
        Console.WriteLine();
        Console.WriteLine($"{"candidate",-16} {"ok",7} {"min",8} {"p50",8} {"p90",8} {"max",8} {"p50 vs first",13} {"faults p50",11}");
        var baseline = Percentile(results[0].Milliseconds, 50);
        foreach (var result in results)
        {
            var ms = result.Milliseconds;
            var p50 = Percentile(ms, 50);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Candidate.Name,-16} {ms.Count + "/" + options.Runs,7} {Fmt(ms.Count > 0 ? ms.Min() : double.NaN)} {Fmt(p50)} " +
                $"{Fmt(Percentile(ms, 90))} {Fmt(ms.Count > 0 ? ms.Max() : double.NaN)} {(baseline > 0 && !double.IsNaN(p50) ? (p50 / baseline).ToString("0.00x", CultureInfo.InvariantCulture) : "-"),13} " +
                $"{(result.MinorFaults.Count > 0 ? Percentile(result.MinorFaults, 50).ToString("0", CultureInfo.InvariantCulture) : "-"),11}"));
        }

        foreach (var result in results.Where(r => r.Failures.Count > 0))
        {
            Console.WriteLine();
            Console.WriteLine($"FAILURES {result.Candidate.Name} ({result.Candidate.CommandLine}):");
            foreach (var failure in result.Failures.Take(5))
            {
                Console.WriteLine("  " + failure);
            }

            if (result.Failures.Count > 5)
            {
                Console.WriteLine($"  ... and {result.Failures.Count - 5} more");
            }
        }
    }

    /// <summary>Nearest-rank percentile; NaN for no data.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, int percentile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static string Fmt(double ms) => double.IsNaN(ms) ? "       -" : ms.ToString("0.0", CultureInfo.InvariantCulture).PadLeft(8);
}
