using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(RateLimits.Benchmarks.LimiterOverheadBenchmarks).Assembly).Run(args);
