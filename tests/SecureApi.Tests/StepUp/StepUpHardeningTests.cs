using Microsoft.Extensions.DependencyInjection;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.Testing;
using static SecureApi.Tests.StepUp.StepUpCalls;

namespace SecureApi.Tests.StepUp;

/// <summary>
/// Step-up under a determined attacker (issue 19): the lockout holds against parallel guesses, enrollment needs more
/// than one stolen credential, windows close on a reset. The same tests on the in-memory store and on moto.
/// </summary>
public abstract class StepUpHardeningContract
{
    /// <summary>A fresh host (its own store or table).</summary>
    protected abstract SecureApiFactory NewFactory();

    [Fact]
    public async Task Twenty_parallel_wrong_codes_get_at_most_five_401s_the_rest_429_and_then_a_right_code_429_until_the_lock_ends()
    {
        await using var factory = NewFactory();
        var secret = await EnrollAndConfirmAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);
        var wrong = WrongCode(factory, secret);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Verify(factory, CaseCredential.AdminApiKey, wrong)));
        var (right, _, _) = await Verify(factory, CaseCredential.AdminApiKey, Code(factory, secret));
        factory.Clock.Advance(TimeSpan.FromMinutes(15));
        var (afterLock, _, _) = await Verify(factory, CaseCredential.AdminApiKey, Code(factory, secret));

        Assert.InRange(answers.Count(a => a.Status == 401), 1, 5);
        Assert.Equal(20, answers.Count(a => a.Status is 401 or 429));
        Assert.All(answers.Where(a => a.Status == 429), a => Assert.Equal("900", a.Headers.RetryAfter.ToString()));
        Assert.Equal(429, right);
        Assert.Equal(204, afterLock);
    }

    [Fact]
    public async Task A_right_code_gives_its_attempt_back_so_a_user_who_types_well_is_never_locked_out()
    {
        await using var factory = NewFactory();
        var secret = await EnrollAndConfirmAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);

        var statuses = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await Verify(factory, CaseCredential.AdminApiKey, Code(factory, secret))).Status);
            factory.Clock.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.All(statuses, s => Assert.Equal(204, s));
    }

    [Fact]
    public async Task A_first_enrollment_without_a_valid_ticket_is_a_403_naming_the_header()
    {
        await using var factory = NewFactory();

        var (none, body, headers) = await factory.SendAsync(new CaseRequest("POST", KeyEnrollment, CaseCredential.AdminApiKey));
        var (unknown, _, _) = await factory.SendAsync(new CaseRequest("POST", KeyEnrollment, CaseCredential.AdminApiKey,
            ExtraHeaders: [new("X-Enrollment-Ticket", "sapi_et_guessed")]));

        Assert.Equal((403, 403), (none, unknown));
        Assert.Equal("application/problem+json", headers.ContentType);
        Assert.Contains("X-Enrollment-Ticket", AdminCalls.Json(body).GetProperty("title").GetString());
        Assert.Null(await factory.Services.GetRequiredService<IStepUpStore>().GetEnrollmentAsync(AdminCalls.Actor));
    }

    [Fact]
    public async Task An_admins_ticket_lets_its_principal_enroll_once_and_a_reset_needs_a_new_one()
    {
        await using var factory = NewFactory();
        var (issued, body, headers) = await factory.SendAsync("POST", "/principals/default:test-user/mfa/ticket");
        var ticket = AdminCalls.Json(body).GetProperty("ticket").GetString()!;
        KeyValuePair<string, string>[] withTicket = [new("X-Enrollment-Ticket", ticket)];

        var (otherPrincipal, _, _) = await factory.SendAsync(new CaseRequest("POST", KeyEnrollment, CaseCredential.AdminApiKey, ExtraHeaders: withTicket));
        var (enrolled, _, _) = await factory.SendAsync(new CaseRequest("POST", TokenEnrollment, CaseCredential.UserToken, ExtraHeaders: withTicket));
        var (reused, _, _) = await factory.SendAsync(new CaseRequest("POST", TokenEnrollment, CaseCredential.UserToken, ExtraHeaders: withTicket));
        await factory.SendAsync("DELETE", "/principals/default:test-user/mfa");
        var (afterReset, _, _) = await factory.SendAsync(new CaseRequest("POST", TokenEnrollment, CaseCredential.UserToken, ExtraHeaders: withTicket));

        Assert.Equal(201, issued);
        Assert.Equal("no-store", headers.CacheControl.ToString());
        Assert.StartsWith("sapi_et_", ticket);
        Assert.Equal(factory.Clock.GetUtcNow().AddHours(24), AdminCalls.Json(body).GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal((403, 201, 403, 403), (otherPrincipal, enrolled, reused, afterReset));
        Assert.Contains(await factory.AuditAsync(), r => r is { Action: AuditActions.MfaTicketIssued, Subject: "principal:default:test-user" });
        Assert.All(await factory.AuditAsync(), r => Assert.DoesNotContain(ticket, r.Detail));
    }

    [Fact]
    public async Task A_token_whose_idp_did_mfa_recently_enrolls_without_a_ticket()
    {
        await using var factory = NewFactory();
        var token = factory.Credentials.MintToken("idp-mfa-user", new Dictionary<string, object>
        {
            ["amr"] = new[] { "pwd", "mfa" }, ["auth_time"] = factory.Clock.GetUtcNow().ToUnixTimeSeconds(),
        });

        var (status, _, _) = await factory.SendAsync(new CaseRequest("POST", TokenEnrollment, ExtraHeaders: [new("Authorization", "Bearer " + token)]));

        Assert.Equal(201, status);
    }

    [Fact]
    public async Task An_admin_reset_closes_the_principals_open_step_up_window()
    {
        await using var factory = NewFactory();
        var secret = await EnrollAndConfirmAsync(factory, TokenEnrollment, CaseCredential.UserToken);
        var (opened, _, _) = await factory.SendAsync(new CaseRequest("POST", "/protected/mfa/verify", CaseCredential.UserToken), Json(Code(factory, secret)));

        var (reset, _, _) = await factory.SendAsync("DELETE", "/principals/default:test-user/mfa");
        var (afterReset, _, headers) = await factory.SendAsync(new CaseRequest("DELETE", TokenEnrollment, CaseCredential.UserToken));

        Assert.Equal((204, 204), (opened, reset));
        Assert.Equal(401, afterReset); // the challenge, not a 404 behind a window that outlived the reset
        Assert.Contains("insufficient_user_authentication", headers.WWWAuthenticate.ToString());
    }
}

public sealed class StepUpHardeningInMemoryTests : StepUpHardeningContract
{
    protected override SecureApiFactory NewFactory() => new();

    [Fact]
    public async Task The_configured_bootstrap_ticket_lets_one_principal_enroll_once()
    {
        const string bootstrap = "bootstrap-ticket-for-this-test";
        await using var factory = new SecureApiFactory
        {
            ExtraConfiguration = new Dictionary<string, string?> { ["StepUp:BootstrapTicketSha256"] = GatewayTestCredentials.Sha256Hex(bootstrap) },
        };
        KeyValuePair<string, string>[] header = [new("X-Enrollment-Ticket", bootstrap)];

        var (first, _, _) = await factory.SendAsync(new CaseRequest("POST", KeyEnrollment, CaseCredential.AdminApiKey, ExtraHeaders: header));
        var (second, _, _) = await factory.SendAsync(new CaseRequest("POST", "/protected/admin/mfa/enrollment", CaseCredential.CustomHeader, ExtraHeaders: header));

        Assert.Equal((201, 403), (first, second));
    }
}

[Trait("Category", "Integration")] // starts a process or a moto server
public sealed class StepUpHardeningDynamoDbTests(DynamoDbServerFixture dynamo) : StepUpHardeningContract, IClassFixture<DynamoDbServerFixture>
{
    protected override SecureApiFactory NewFactory() => dynamo.NewFactory();

    [Fact]
    public async Task A_reset_on_one_instance_closes_the_window_another_instance_holds_within_the_cache_time()
    {
        var table = DynamoDbServerFixture.NewTableName("stepup-reset-");
        var credentials = new GatewayTestCredentials();
        await using var a = dynamo.NewFactory(table, credentials);
        await using var b = dynamo.NewFactory(table, credentials);
        var secret = await EnrollAndConfirmAsync(a, KeyEnrollment, CaseCredential.AdminApiKey);
        b.Clock.Advance(TimeSpan.FromSeconds(30));
        await Verify(a, CaseCredential.AdminApiKey, Code(a, secret));
        var (seenOnB, _, _) = await b.SendAsync(Write(CaseCredential.AdminApiKey), """{"roles":[],"permissions":[]}""");

        var (deleted, _, _) = await a.SendAsync(new CaseRequest("DELETE", KeyEnrollment, CaseCredential.AdminApiKey));
        var (onA, _, _) = await a.SendAsync(Write(CaseCredential.AdminApiKey), """{"roles":[],"permissions":[]}""");
        b.Clock.Advance(TimeSpan.FromSeconds(10)); // AuthorizationStore:CacheSeconds
        var (onB, _, _) = await b.SendAsync(Write(CaseCredential.AdminApiKey), """{"roles":[],"permissions":[]}""");

        Assert.Equal((201, 204), (seenOnB, deleted));
        Assert.Equal((401, 401), (onA, onB));
    }
}
