using ColdStart;

// Parse --candidate/--event/--runs/--env/--timeout (README.md).
if (!BenchOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

// Warm-up round (excluded), then N interleaved rounds: every candidate once per round, a fresh process each time.
var results = await ColdStartRunner.RunAllAsync(options);

// min / p50 / p90 / max per candidate and the p50 ratio against the first candidate; failures listed.
Report.Print(options, results);
return results.Any(r => r.Failures.Count > 0) ? 1 : 0;
