using BenchmarkDotNet.Running;

namespace Api.Benchmarks;

// Not top-level statements: the API's own Program (global::Program) is the one PipelineBenchmarks starts.
// BenchmarkDotNet, e.g. `dotnet run -c Release --project bench/Api.Benchmarks -- --filter '*'`.
public static class BenchmarkEntry
{
    public static async Task Main(string[] args)
    {
        if (args is ["--probe"]) await PipelineBenchmarks.ProbeAsync();
        else BenchmarkSwitcher.FromAssembly(typeof(BenchmarkEntry).Assembly).Run(args);
    }
}
