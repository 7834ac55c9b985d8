using System.Text.Json;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// The API's instruments (docs/metrics.md) through the local stage. Instruments are static and other test classes
/// run in parallel, so these assert that this test's measurements are among those recorded, not exact totals (the
/// published functions' exact EMF counts are in the end-to-end tests).
/// </summary>
public sealed class ApiMetricsTests
{
    [Fact]
    public async Task A_principal_over_its_rate_is_counted_as_a_429_of_the_burst_policy()
    {
        using var recorded = new RecordedMeasurements();
        await using var factory = new SecureApiFactory
        {
            ExtraConfiguration = new Dictionary<string, string?>
            {
                ["RateLimits:DefaultPlan:RatePerSecond"] = "1", ["RateLimits:DefaultPlan:Burst"] = "1", ["RateLimits:DefaultPlan:Quota"] = "1000",
            },
        };

        var first = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey));
        var second = await factory.SendAsync(new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey));

        Assert.Equal((200, 429), (first.Status, second.Status));
        Assert.Contains(recorded.Of("secureapi.ratelimit.rejections"), m => m.Tags.Count == 1 && m.Tags["policy"] == "burst");
    }

    [Fact]
    public async Task Step_up_challenges_wrong_codes_and_lockouts_are_each_counted()
    {
        using var recorded = new RecordedMeasurements();
        await using var factory = new SecureApiFactory();
        var verify = new CaseRequest("POST", "/protected/admin/mfa/verify", CaseCredential.AdminApiKey);
        var code = JsonSerializer.Serialize(new { code = "123456" }); // well-formed; no enrollment, so it cannot verify

        var challenged = await factory.SendAsync(new CaseRequest("PUT", "/protected/admin/principals/alice", CaseCredential.AdminApiKey),
            """{"roles":[],"permissions":[]}""");
        var wrong = new List<int>();
        for (var i = 0; i < 5; i++) wrong.Add((await factory.SendAsync(verify, code)).Status);
        var locked = await factory.SendAsync(verify, code);

        Assert.Equal((401, 429), (challenged.Status, locked.Status));
        Assert.Equal([401, 401, 401, 401, 401], wrong);
        Assert.NotEmpty(recorded.Of("secureapi.stepup.challenges"));
        Assert.True(recorded.Of("secureapi.stepup.failures").Count >= 5);
        Assert.NotEmpty(recorded.Of("secureapi.stepup.lockouts"));
        Assert.All(recorded.Of("secureapi.stepup.failures"), m => Assert.Empty(m.Tags)); // no principal, no code
    }
}
