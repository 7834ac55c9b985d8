using BenchmarkDotNet.Running;

// `-- mint <folder>`: write cold-start inputs (see ColdStartInputs); otherwise BenchmarkDotNet, e.g. `-- --filter '*'`.
if (args is ["mint", var folder])
{
    Authorizers.Benchmarks.ColdStartInputs.Write(folder);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Authorizers.Benchmarks.AuthorizerBenchmarks).Assembly).Run(args);
