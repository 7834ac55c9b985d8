using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// The shared gateway matrix (tools/SecureApi.Testing/GatewayCases.cs) against the deployed shape: the same rows
/// the local run must pass, answered here by the published Native AOT functions behind the template's gateway.
/// </summary>
[Trait("Category", "Integration")] // publishes and starts the functions (Native AOT)
[Collection(DeployedStackCollection.Name)]
public sealed class SharedGatewayCaseTests(DeployedStack stack)
{
    public static TheoryData<string> Cases() => new(GatewayCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Deployed_stack_answers_each_shared_case_like_the_local_run(string name)
    {
        var row = GatewayCases.Named(name);

        var response = await stack.SendAsync(DeployedStack.ToGatewayRequest(row.Request.Resolve(stack.Credentials)));

        var failures = row.Check(response.StatusCode, response.Body);
        Assert.True(failures.Count == 0,
            $"{name}: {string.Join("; ", failures)}\nbody: {response.Body}\ngateway: {response.GatewayReason}\n{stack.Logs}");
    }
}
