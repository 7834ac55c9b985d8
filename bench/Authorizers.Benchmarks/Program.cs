using BenchmarkDotNet.Running;

// `-- mint <folder>`: write cold-start inputs (see ColdStartInputs); otherwise BenchmarkDotNet, e.g. `-- --filter '*'`.
if (args is ["mint", var folder])
{
    Authorizers.Benchmarks.ColdStartInputs.Write(folder);
    return;
}
// `-- seed-store <serviceUrl> <table> <folder>`: one principal + api key in a DynamoDB-compatible server (StoreSeed).
if (args is ["seed-store", var serviceUrl, var table, var into])
{
    await Authorizers.Benchmarks.StoreSeed.WriteAsync(serviceUrl, table, into);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Authorizers.Benchmarks.AuthorizerBenchmarks).Assembly).Run(args);
