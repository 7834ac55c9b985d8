using BenchmarkDotNet.Running;

// BenchmarkDotNet, e.g. `dotnet run -c Release --project bench/Api.Benchmarks -- --filter '*'`.
BenchmarkSwitcher.FromAssembly(typeof(Api.Benchmarks.RouteCheckBenchmarks).Assembly).Run(args);
