using BenchmarkDotNet.Running;

// BenchmarkDotNet, e.g. `dotnet run -c Release --project bench/TokenService.Benchmarks -- --filter '*'`.
BenchmarkSwitcher.FromAssembly(typeof(TokenService.Benchmarks.ExchangeBenchmarks).Assembly).Run(args);
