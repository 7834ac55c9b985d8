using System.Text.Json;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>The published API function writes its metrics as EMF too (docs/metrics.md): its hosting flushes per invocation.</summary>
[Trait("Category", "Integration")] // publishes and starts the functions (Native AOT)
[Collection(DeployedStackCollection.Name)]
public sealed class ApiMetricsEndToEndTests(DeployedStack stack)
{
    [Fact]
    public async Task The_published_api_prints_its_cold_start_as_an_EMF_line_in_the_SecureApi_namespace()
    {
        var request = DeployedStack.ToGatewayRequest(new CaseRequest("GET", "/public", CaseCredential.None).Resolve(stack.Credentials));

        var first = await stack.SendAsync(request);
        var second = await stack.SendAsync(request); // answered only after the first invocation's metrics were flushed

        Assert.Equal((200, 200), (first.StatusCode, second.StatusCode));
        var api = stack.Processes.Single(p => p.Name == "SecureApi");
        var emf = api.Output.Split('\n').Where(l => l.StartsWith("{\"_aws\"", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var coldStart = Assert.Single(emf, l => l.TryGetProperty("secureapi.lambda.cold_starts", out _));
        Assert.Equal("SecureApi", coldStart.GetProperty("function").GetString());
        Assert.All(emf, l => Assert.Equal("SecureApi", l.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString()));
    }
}
