using System.Security.Cryptography;
using System.Text.Json;
using OtpNet;
using SecureApi.StepUp;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// Step-up through the published functions, DynamoDB and KMS on loopback (moto): an admin enrolls its authenticator,
/// confirms, creates a key with a code, cannot replay the code, and runs out of attempts (429). Real time: the code
/// one step ahead (accepted skew) avoids waiting 30 s for the next one.
/// </summary>
[Trait("Category", "Integration")] // publishes and starts the functions (Native AOT)
[Collection(StoreBackedStackCollection.Name)]
public sealed class StepUpEndToEndTests(StoreBackedStack fixture)
{
    [Fact]
    public async Task An_admin_enrolls_confirms_creates_a_key_with_a_code_cannot_replay_it_and_runs_out_of_attempts()
    {
        // An admin of its own (a store key, so its step-up window is its own, not the seed admin's).
        var admin = "e2e-mfa-admin-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        Assert.Equal(201, (await fixture.AdminAsync("PUT", $"/protected/admin/principals/{admin}", new { roles = new[] { "admin" }, permissions = new[] { "read" } })).StatusCode);
        var created = await fixture.AdminAsync("POST", $"/protected/admin/principals/{admin}/keys", new { kind = "api-key" });
        var key = JsonDocument.Parse(created.Body).RootElement.GetProperty("secret").GetString()!;

        var refused = await fixture.WithApiKeyAsync("POST", $"/protected/admin/principals/{admin}/keys", key, null, new { kind = "api-key" });
        Assert.Equal(401, refused.StatusCode);

        // No trust on first use: the key alone cannot enroll; a ticket the seed admin issues can, once.
        Assert.Equal(403, (await fixture.WithApiKeyAsync("POST", "/protected/admin/mfa/enrollment", key, null)).StatusCode);
        var issued = await fixture.AdminAsync("POST", $"/protected/admin/principals/{admin}/mfa/ticket", null);
        Assert.Equal(201, issued.StatusCode);
        var ticket = JsonDocument.Parse(issued.Body).RootElement.GetProperty("ticket").GetString()!;
        var enrollment = await fixture.WithApiKeyAsync("POST", "/protected/admin/mfa/enrollment", key, null, enrollmentTicket: ticket);
        Assert.Equal(201, enrollment.StatusCode);
        var secret = Base32Encoding.ToBytes(JsonDocument.Parse(enrollment.Body).RootElement.GetProperty("secret").GetString()!);
        var totp = TotpCodes.For(secret);

        var confirm = await fixture.WithApiKeyAsync("POST", "/protected/admin/mfa/enrollment/confirm", key, null, new { code = totp.ComputeTotp(DateTime.UtcNow) });
        Assert.Equal(204, confirm.StatusCode);

        var code = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30));
        var withCode = await fixture.WithApiKeyAsync("POST", $"/protected/admin/principals/{admin}/keys", key, code, new { kind = "api-key" });
        Assert.True(withCode.StatusCode == 201, $"create a key with a code: {withCode.StatusCode} {withCode.Body}");

        var replay = await fixture.WithApiKeyAsync("POST", "/protected/admin/mfa/verify", key, null, new { code });
        Assert.Equal(401, replay.StatusCode);

        // The replay was the first failure; four wrong codes make five, and then even a right code is refused.
        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await fixture.WithApiKeyAsync("POST", "/protected/admin/mfa/verify", key, null, new { code = WrongCode(totp) })).StatusCode);
        var locked = await fixture.WithApiKeyAsync("POST", "/protected/admin/mfa/verify", key, null, new { code = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)) });

        Assert.Equal([401, 401, 401, 401], statuses);
        Assert.Equal(429, locked.StatusCode);
    }

    private static string WrongCode(Totp totp)
    {
        var now = DateTime.UtcNow;
        var near = new[] { -60, -30, 0, 30, 60 }.Select(s => totp.ComputeTotp(now.AddSeconds(s))).ToHashSet();
        for (var n = 0; ; n++)
            if (!near.Contains(n.ToString("D6"))) return n.ToString("D6");
    }
}
