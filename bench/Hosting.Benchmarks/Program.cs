using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Hosting.Benchmarks.InvocationBenchmarks).Assembly).Run(args);
