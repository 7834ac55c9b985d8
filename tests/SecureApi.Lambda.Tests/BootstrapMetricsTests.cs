using System.Diagnostics.Metrics;
using System.Text.Json;
using SecureApi.Lambda.RuntimeSupport;
using SecureApi.Testing;

namespace SecureApi.Lambda.Tests;

[Collection(RuntimeLoopCollection.Name)]
public sealed class BootstrapMetricsTests
{
    [Fact]
    public async Task Each_invocation_flushes_its_own_measurements_as_EMF_lines_and_only_the_first_counts_a_cold_start()
    {
        using var meter = new Meter("secureapi.test." + Guid.NewGuid().ToString("N"));
        var name = meter.Name + ".greetings";
        var greetings = meter.CreateCounter<long>(name);
        var written = new StringWriter();
        var output = TextWriter.Synchronized(written);
        await using var api = await RuntimeApiDouble.StartAsync();
        using var bootstrap = LambdaBootstrapBuilder
            .Create<Greeting, Reply>((g, _) => { greetings.Add(g.Name.Length); return Task.FromResult(new Reply(g.Name)); }, BootstrapRun.Serializer)
            .UseRuntimeApiEndpoint(api.Endpoint)
            .UseEmbeddedMetrics(output)
            .Build();
        await using var run = BootstrapRun.Start(bootstrap);

        await api.InvokeAsync("""{"name":"Ada"}""");
        await api.InvokeAsync("""{"name":"Grace"}""");
        await api.InvokeAsync("""{"name":"x"}""");   // its answer comes after the second invocation's flush

        var lines = written.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([3, 5], lines.Where(l => l.TryGetProperty(name, out _)).Select(l => l.GetProperty(name).GetInt32()).Take(2));
        var coldStart = Assert.Single(lines, l => l.TryGetProperty("secureapi.lambda.cold_starts", out _));
        Assert.Equal(1, coldStart.GetProperty("secureapi.lambda.cold_starts").GetInt32());
        Assert.All(lines, l => Assert.Equal("SecureApi", l.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString()));
    }
}
