using SecureApi.LocalGateway;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// What only the deployed shape can show: the gateway and the published functions agreeing on the wire
/// (identity sources, the TOKEN cache, the REQUEST authorizer running uncached) and the functions' logs staying
/// free of credentials.
/// </summary>
[Trait("Category", "Integration")] // publishes and starts the functions (Native AOT)
[Collection(DeployedStackCollection.Name)]
public sealed class DeployedStackBehaviourTests(DeployedStack stack)
{
    private GatewayRequest Request(CaseCredential credential, string path) =>
        DeployedStack.ToGatewayRequest(new CaseRequest("GET", path, credential).Resolve(stack.Credentials));

    [Fact]
    public async Task Missing_authorization_header_is_unauthorized_without_calling_the_token_authorizer()
    {
        var before = stack.Invoker.Invocations;

        var response = await stack.SendAsync(Request(CaseCredential.None, "/protected"));

        Assert.Equal((401, """{"message":"Unauthorized"}"""), (response.StatusCode, response.Body));
        Assert.Equal(before, stack.Invoker.Invocations);
    }

    [Fact]
    public async Task Token_result_is_cached_per_authorization_header_and_reused_for_the_next_call()
    {
        stack.Gateway.FlushAuthorizerCache();
        var before = stack.Invoker.Invocations;

        var first = await stack.SendAsync(Request(CaseCredential.UserToken, "/protected"));
        var second = await stack.SendAsync(Request(CaseCredential.UserToken, "/protected"));
        var otherToken = await stack.SendAsync(Request(CaseCredential.AdminToken, "/protected"));

        Assert.Equal((200, 200, 200), (first.StatusCode, second.StatusCode, otherToken.StatusCode));
        Assert.Equal(("allow", "cache-hit", "allow"), (first.GatewayReason, second.GatewayReason, otherToken.GatewayReason));
        Assert.Equal(before + 2, stack.Invoker.Invocations);
    }

    [Fact]
    public async Task Request_authorizer_runs_on_every_call_because_its_ttl_is_zero()
    {
        var before = stack.Invoker.Invocations;

        var first = await stack.SendAsync(Request(CaseCredential.AdminApiKey, "/protected/admin"));
        var second = await stack.SendAsync(Request(CaseCredential.AdminApiKey, "/protected/admin"));

        Assert.Equal((200, 200), (first.StatusCode, second.StatusCode));
        Assert.Equal(before + 2, stack.Invoker.Invocations);
    }

    [Fact]
    public async Task Function_logs_never_contain_a_token_an_api_key_or_a_header_value()
    {
        stack.Gateway.FlushAuthorizerCache();
        foreach (var (credential, path) in new[]
        {
            (CaseCredential.UserToken, "/protected"), (CaseCredential.WrongSignatureToken, "/protected"),
            (CaseCredential.AdminApiKey, "/protected/admin"), (CaseCredential.WrongApiKey, "/protected/admin"),
            (CaseCredential.CustomHeader, "/protected/admin"), (CaseCredential.WrongCustomHeader, "/protected/admin"),
        })
        {
            await stack.SendAsync(Request(credential, path));
        }

        var logs = stack.Logs;
        var c = stack.Credentials;
        Assert.All(
            new[] { c.UserToken, c.UserToken.Split('.')[2], c.WrongSignatureToken.Split('.')[2], c.AdminApiKey, c.WrongApiKey,
                    c.CustomHeaderValue, c.WrongCustomHeaderValue },
            secret => Assert.DoesNotContain(secret, logs));
    }

    [Fact]
    public void Each_publish_folder_holds_the_native_executable_the_dotnet10_bootstrap_execs_and_nothing_it_would_prefer()
    {
        foreach (var (logicalId, executable) in stack.Executables)
        {
            var handler = stack.Template.Functions[logicalId].Handler;
            var folder = Path.GetDirectoryName(executable)!;

            Assert.Equal(handler, Path.GetFileName(executable));
            // An ELF binary, executable: what /var/task/<Handler> must be.
            Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(executable)[..4]);
            if (!OperatingSystem.IsWindows()) // the suite publishes linux-x64; the guard only satisfies CA1416
                Assert.True(File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), $"{executable} is not executable");
            // A <Handler>.dll would make the bootstrap run `dotnet exec` instead; .dbg files only bloat the zip.
            Assert.False(File.Exists(Path.Combine(folder, handler + ".dll")), $"{handler}.dll in {folder}");
            Assert.Empty(Directory.GetFiles(folder, "*.dbg"));
        }
    }
}
