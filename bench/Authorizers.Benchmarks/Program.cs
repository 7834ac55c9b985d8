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
// `-- directory-first RUNS`: first directory decision (ldaps bind + search, loopback slapd) beside the first API-key one.
if (args is ["directory-first", var runs])
{
    await Authorizers.Benchmarks.DirectoryFirstDecision.RunAsync(int.Parse(runs, System.Globalization.CultureInfo.InvariantCulture));
    return;
}
if (args is ["serve-slapd", var slapdFolder])
{
    await Authorizers.Benchmarks.DirectoryFirstDecision.ServeAsync(slapdFolder);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Authorizers.Benchmarks.AuthorizerBenchmarks).Assembly).Run(args);
