using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using SecureApi.Testing;
using Xunit.Abstractions;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// The authorization store end to end through the published functions and a real DynamoDB-compatible server:
/// admin API changes take effect through the gateway, within the documented window (CacheSeconds, here
/// <see cref="StoreBackedStack.CacheSeconds"/> s), and survive a restart of every function.
/// </summary>
[Trait("Category", "Integration")] // publishes and starts the functions (Native AOT)
[Collection(StoreBackedStackCollection.Name)]
public sealed class StoreBackedStackTests(StoreBackedStack fixture, ITestOutputHelper output)
{
    /// <summary>The window plus slack for request latency on a busy machine.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(StoreBackedStack.CacheSeconds + 1);
    /// <summary>How long a poll goes on before the test fails: past the window, so a late change is seen as late, not as never.</summary>
    private static readonly TimeSpan PollBudget = TimeSpan.FromSeconds(StoreBackedStack.CacheSeconds + 3);

    [Fact]
    public async Task A_key_created_through_the_admin_api_works_on_the_next_request_and_stops_within_the_cache_window_after_revocation()
    {
        var principalId = NewId("e2e-key-owner");
        var (keyId, secret) = await CreatePrincipalWithKeyAsync(principalId);

        var used = await fixture.WithApiKeyAsync("/protected/admin", secret);
        Assert.True(used.StatusCode == 200, Describe("new key on GET /protected/admin", used));

        var revoke = await fixture.AdminAsync("DELETE", $"/protected/admin/keys/{keyId}");
        Assert.True(revoke.StatusCode == 204, Describe("DELETE key", revoke));
        var sinceRevocation = Stopwatch.StartNew();

        var (refused, elapsed, _) = await PollAsync(() => fixture.WithApiKeyAsync("/protected/admin", secret), r => r.StatusCode == 401);
        Assert.True(refused.StatusCode == 401, Describe($"revoked key still accepted after {elapsed.TotalSeconds:0.0} s", refused));
        Assert.True(elapsed <= Window, $"revoked key refused only after {elapsed.TotalSeconds:0.0} s (window {Window.TotalSeconds} s)");

        // And it stays refused once every cache that could hold it has expired.
        var rest = StoreBackedStack.CacheSeconds * 1000 + 200 - (int)sinceRevocation.ElapsedMilliseconds;
        if (rest > 0) await Task.Delay(rest);
        var afterWindow = await fixture.WithApiKeyAsync("/protected/admin", secret);
        output.WriteLine($"revoked key: first 401 after {elapsed.TotalMilliseconds:0} ms ({refused.GatewayReason}); after the window: {afterWindow.StatusCode} ({afterWindow.GatewayReason})");
        // Past CacheSeconds the REQUEST authorizer's own store cache has let go too: the gateway itself refuses.
        Assert.True((afterWindow.StatusCode, afterWindow.GatewayReason) == (401, "unauthorized"), Describe("revoked key after the window", afterWindow));

        AssertLogsFreeOf(secret);
    }

    [Fact]
    public async Task A_disabled_jwt_user_is_refused_by_the_api_within_the_window_while_the_gateway_still_caches_its_allow()
    {
        var subject = NewId("e2e-jwt-user");
        var token = fixture.Credentials.MintToken(subject, role: "user", permissions: "read");

        var first = await fixture.WithTokenAsync("/protected", token);
        Assert.True((first.StatusCode, first.GatewayReason) == (200, "allow"), Describe("token before disabling", first));

        var disable = await fixture.AdminAsync("PUT", $"/protected/admin/principals/default:{subject}",
            new { roles = new[] { "user" }, permissions = new[] { "read" }, disabled = true });
        Assert.True(disable.StatusCode == 201, Describe("PUT disabled principal", disable));
        var invocationsBefore = fixture.Stack.Invoker.Invocations;

        var (refused, elapsed, seen) = await PollAsync(() => fixture.WithTokenAsync("/protected", token), r => r.StatusCode == 401);
        Assert.True(refused.StatusCode == 401, Describe($"disabled user still served after {elapsed.TotalSeconds:0.0} s", refused));
        Assert.True(elapsed <= Window, $"disabled user refused only after {elapsed.TotalSeconds:0.0} s (window {Window.TotalSeconds} s)");
        // Every answer, the 401 included, came through the gateway's cached Allow: the API refused, not the authorizer.
        output.WriteLine($"disabled user: first 401 after {elapsed.TotalMilliseconds:0} ms, {seen.Count} request(s), reasons {string.Join(",", seen.Select(r => r.GatewayReason))}");
        Assert.All(seen, r => Assert.Equal("cache-hit", r.GatewayReason));
        Assert.Equal(invocationsBefore, fixture.Stack.Invoker.Invocations);

        AssertLogsFreeOf(token, token.Split('.')[2]);
    }

    [Fact]
    public async Task Principals_and_keys_persist_across_a_restart_of_every_function()
    {
        var principalId = NewId("e2e-persisted");
        var (keyId, secret) = await CreatePrincipalWithKeyAsync(principalId);
        var before = await fixture.WithApiKeyAsync("/protected/admin", secret);
        Assert.True(before.StatusCode == 200, Describe("key before the restart", before));

        await fixture.Stack.RestartFunctionsAsync();

        var after = await fixture.WithApiKeyAsync("/protected/admin", secret);
        Assert.True((after.StatusCode, after.GatewayReason) == (200, "allow"), Describe("key after the restart", after));

        var principal = await fixture.AdminAsync("GET", $"/protected/admin/principals/{principalId}");
        Assert.True(principal.StatusCode == 200, Describe("GET principal after the restart", principal));
        using (var json = JsonDocument.Parse(principal.Body))
        {
            Assert.Equal(principalId, json.RootElement.GetProperty("principalId").GetString());
            Assert.Equal(["admin"], json.RootElement.GetProperty("roles").EnumerateArray().Select(e => e.GetString()));
            Assert.False(json.RootElement.GetProperty("disabled").GetBoolean());
        }

        var keys = await fixture.AdminAsync("GET", $"/protected/admin/principals/{principalId}/keys");
        Assert.True(keys.StatusCode == 200, Describe("GET keys after the restart", keys));
        using (var json = JsonDocument.Parse(keys.Body))
        {
            var key = Assert.Single(json.RootElement.GetProperty("keys").EnumerateArray());
            Assert.Equal(keyId, key.GetProperty("keyId").GetString());
            Assert.Equal("active", key.GetProperty("status").GetString());
        }
        Assert.DoesNotContain(secret, keys.Body);

        AssertLogsFreeOf(secret);
    }

    private async Task<(string KeyId, string Secret)> CreatePrincipalWithKeyAsync(string principalId)
    {
        var put = await fixture.AdminAsync("PUT", $"/protected/admin/principals/{principalId}",
            new { roles = new[] { "admin" }, permissions = new[] { "read" } });
        Assert.True(put.StatusCode == 201, Describe("PUT principal", put));

        var created = await fixture.AdminAsync("POST", $"/protected/admin/principals/{principalId}/keys",
            new { kind = "api-key", description = "end-to-end test key" });
        Assert.True(created.StatusCode == 201, Describe("POST key", created));
        using var json = JsonDocument.Parse(created.Body);
        return (json.RootElement.GetProperty("keyId").GetString()!, json.RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary>Sends until <paramref name="done"/> or <see cref="PollBudget"/> is spent; returns the last answer, when it came, and all answers.</summary>
    private static async Task<(ClientResponse Last, TimeSpan Elapsed, IReadOnlyList<ClientResponse> Seen)> PollAsync(
        Func<Task<ClientResponse>> send, Func<ClientResponse, bool> done)
    {
        var seen = new List<ClientResponse>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            seen.Add(response);
            if (done(response) || clock.Elapsed >= PollBudget) return (response, clock.Elapsed, seen);
            await Task.Delay(200);
        }
    }

    private void AssertLogsFreeOf(params string[] secrets)
    {
        var logs = fixture.Stack.Logs;
        foreach (var secret in secrets)
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal), "a function logged a secret");
            Assert.False(logs.Contains(GatewayTestCredentials.Sha256Hex(secret), StringComparison.OrdinalIgnoreCase), "a function logged a secret's hash");
        }
    }

    private string Describe(string what, ClientResponse response) =>
        $"{what}: {response.StatusCode} ({response.GatewayReason}) {response.Body}\n{fixture.Stack.Logs[^Math.Min(fixture.Stack.Logs.Length, 4000)..]}";

    private static string NewId(string prefix) => prefix + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}
