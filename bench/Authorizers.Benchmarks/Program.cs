using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Authorizers.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Authorizers.Benchmarks.AuthorizerBenchmarks).Assembly).Run(args);
