using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OtpNet;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.StepUp;
using SecureApi.Testing;

using static SecureApi.Tests.StepUp.StepUpCalls;

namespace SecureApi.Tests.StepUp;

/// <summary>
/// Step-up through the local stage (docs/step-up.md): enrollment, codes in X-MFA-Code and POST …/verify, the window
/// per credential, replay, lockout, the IdP's MFA (amr + auth_time), the RFC 9470 challenge. Each test has its own host.
/// </summary>
public sealed class StepUpApiTests
{
    [Fact]
    public async Task Enrolling_returns_the_secret_its_otpauth_uri_and_a_png_qr_code_and_stores_only_ciphertext()
    {
        await using var factory = new SecureApiFactory();

        var (status, body, headers) = await factory.SendAsync(await EnrollmentRequestAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey));

        Assert.Equal(201, status);
        Assert.Equal("no-store", headers.CacheControl);
        var json = JsonDocument.Parse(body).RootElement;
        var secret = json.GetProperty("secret").GetString()!;
        Assert.Equal(20, Base32Encoding.ToBytes(secret).Length);
        Assert.StartsWith("otpauth://totp/", json.GetProperty("otpauthUri").GetString());
        Assert.Contains("secret=" + secret, json.GetProperty("otpauthUri").GetString());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(json.GetProperty("qrCodePng").GetString()!)[..4]);
        Assert.Equal("pending", json.GetProperty("status").GetString());

        var stored = await factory.Services.GetRequiredService<IStepUpStore>().GetEnrollmentAsync(AdminCalls.Actor);
        Assert.Equal(MfaEnrollmentStatus.Pending, stored?.Status);
        Assert.False(Contains(stored!.EncryptedSecret, Base32Encoding.ToBytes(secret)));
        Assert.DoesNotContain(secret, System.Text.Encoding.ASCII.GetString(stored.EncryptedSecret));
    }

    [Fact]
    public async Task An_admin_write_without_step_up_gets_the_rfc_9470_challenge()
    {
        await using var factory = new SecureApiFactory();

        var (status, body, headers) = await factory.SendAsync(Write(CaseCredential.AdminApiKey), """{"roles":["user"],"permissions":[]}""");

        Assert.Equal(401, status);
        var challenge = headers.WWWAuthenticate.ToString();
        Assert.StartsWith("Bearer ", challenge);
        Assert.Contains("error=\"insufficient_user_authentication\"", challenge);
        Assert.Contains("acr_values=\"mfa\"", challenge);
        Assert.Contains("max_age=600", challenge);
        Assert.Contains("error_description=\"", challenge);
        Assert.Equal("application/problem+json", headers.ContentType);
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc9470", JsonDocument.Parse(body).RootElement.GetProperty("type").GetString());
        Assert.Null(await factory.Store().GetPrincipalAsync("alice"));
    }

    [Fact]
    public async Task A_code_with_an_admin_write_lets_it_through_and_opens_a_five_minute_window_for_that_credential()
    {
        await using var factory = new SecureApiFactory();
        var secret = await EnrollAndConfirmAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);

        var (withCode, _, _) = await factory.SendAsync(Write(CaseCredential.AdminApiKey, Code(factory, secret)), """{"roles":["user"],"permissions":[]}""");
        factory.Clock.Advance(TimeSpan.FromMinutes(4));
        var (inWindow, _, _) = await factory.SendAsync(Write(CaseCredential.AdminApiKey), """{"roles":["user"],"permissions":["read"]}""");
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var (afterWindow, _, _) = await factory.SendAsync(Write(CaseCredential.AdminApiKey), """{"roles":["user"],"permissions":[]}""");

        Assert.Equal(201, withCode);
        Assert.Equal(200, inWindow);
        Assert.Equal(401, afterWindow);
    }

    [Fact]
    public async Task A_replayed_code_is_refused()
    {
        await using var factory = new SecureApiFactory();
        var secret = await EnrollAndConfirmAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);
        var code = Code(factory, secret);

        var (first, _, _) = await Verify(factory, CaseCredential.AdminApiKey, code);
        var (replayed, _, headers) = await Verify(factory, CaseCredential.AdminApiKey, code);

        Assert.Equal(204, first);
        Assert.Equal(401, replayed);
        Assert.Contains("insufficient_user_authentication", headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task The_code_that_confirmed_the_enrollment_cannot_be_used_again()
    {
        await using var factory = new SecureApiFactory();
        var secret = await StartEnrollmentAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);
        var code = Code(factory, secret);
        await factory.SendAsync(new CaseRequest("POST", KeyEnrollment + "/confirm", CaseCredential.AdminApiKey), Json(code));

        var (status, _, _) = await Verify(factory, CaseCredential.AdminApiKey, code);

        Assert.Equal(401, status);
    }

    [Fact]
    public async Task Five_wrong_codes_lock_the_principal_out_with_429_and_retry_after_until_the_15_minute_window_ends()
    {
        await using var factory = new SecureApiFactory();
        var secret = await EnrollAndConfirmAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);
        var wrong = WrongCode(factory, secret);

        var wrongs = new List<int>();
        for (var i = 0; i < 5; i++) wrongs.Add((await Verify(factory, CaseCredential.AdminApiKey, wrong)).Status);
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var (locked, _, headers) = await Verify(factory, CaseCredential.AdminApiKey, Code(factory, secret));
        var (lockedWrite, _, _) = await factory.SendAsync(Write(CaseCredential.AdminApiKey, Code(factory, secret)), """{"roles":[],"permissions":[]}""");
        factory.Clock.Advance(TimeSpan.FromMinutes(14));
        var (after, _, _) = await Verify(factory, CaseCredential.AdminApiKey, Code(factory, secret));

        Assert.Equal([401, 401, 401, 401, 401], wrongs);
        Assert.Equal(429, locked);
        Assert.Equal("840", headers.RetryAfter.ToString());
        Assert.Equal(429, lockedWrite);
        Assert.Equal(204, after);
    }

    [Fact]
    public async Task A_pending_enrollment_cannot_satisfy_step_up()
    {
        await using var factory = new SecureApiFactory();
        var secret = await StartEnrollmentAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);

        var (write, _, _) = await factory.SendAsync(Write(CaseCredential.AdminApiKey, Code(factory, secret)), """{"roles":[],"permissions":[]}""");
        var (verify, _, _) = await Verify(factory, CaseCredential.AdminApiKey, Code(factory, secret));

        Assert.Equal(401, write);
        Assert.Equal(401, verify);
    }

    [Fact]
    public async Task A_malformed_code_is_a_400_naming_the_header_and_is_not_counted()
    {
        await using var factory = new SecureApiFactory();
        await EnrollAndConfirmAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);

        var (status, body, _) = await factory.SendAsync(Write(CaseCredential.AdminApiKey, "12345a"), """{"roles":[],"permissions":[]}""");

        Assert.Equal(400, status);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("X-MFA-Code", out _));
        Assert.Null(await factory.Services.GetRequiredService<IStepUpStore>().GetFailedAttemptsAsync(AdminCalls.Actor));
    }

    [Fact]
    public async Task Deleting_ones_own_enrollment_needs_step_up()
    {
        await using var factory = new SecureApiFactory();
        var secret = await EnrollAndConfirmAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);

        var (without, _, _) = await factory.SendAsync(new CaseRequest("DELETE", KeyEnrollment, CaseCredential.AdminApiKey));
        var (with, _, _) = await factory.SendAsync(new CaseRequest("DELETE", KeyEnrollment, CaseCredential.AdminApiKey, ExtraHeaders: [new("X-MFA-Code", Code(factory, secret))]));

        Assert.Equal(401, without);
        Assert.Equal(204, with);
        Assert.Null(await factory.Services.GetRequiredService<IStepUpStore>().GetEnrollmentAsync(AdminCalls.Actor));
    }

    [Fact]
    public async Task An_admin_resets_another_principals_enrollment_with_step_up_and_it_is_audited()
    {
        await using var factory = new SecureApiFactory();
        var adminSecret = await EnrollAndConfirmAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey);
        await StartEnrollmentAsync(factory, TokenEnrollment, CaseCredential.UserToken);

        var (reset, _, _) = await factory.SendAsync(new CaseRequest("DELETE", "/protected/admin/principals/default:test-user/mfa", CaseCredential.AdminApiKey,
            ExtraHeaders: [new("X-MFA-Code", Code(factory, adminSecret))]));
        var (again, _, _) = await factory.SendAsync(new CaseRequest("DELETE", "/protected/admin/principals/default:test-user/mfa", CaseCredential.AdminApiKey));

        Assert.Equal(204, reset);
        Assert.Equal(404, again); // still inside the admin's window: the enrollment is gone
        Assert.Null(await factory.Services.GetRequiredService<IStepUpStore>().GetEnrollmentAsync("default:test-user"));
        Assert.Contains(await factory.AuditAsync(), r => r is { Action: AuditActions.MfaEnrollmentDeleted, Actor: AdminCalls.Actor, Subject: "principal:default:test-user" });
    }

    public static TheoryData<string?, int, int> IdpAuthentications => new()
    {
        { "mfa", 0, 404 },      // passes step-up; there is no enrollment to delete
        { "otp", 600, 404 },
        { "hwk", 30, 404 },
        { "mfa", 601, 401 },    // too long ago
        { "pwd", 0, 401 },      // not a second factor
        { null, 0, 401 },       // no amr at all
    };

    [Theory]
    [MemberData(nameof(IdpAuthentications))]
    public async Task A_token_whose_idp_did_mfa_recently_passes_step_up_and_otherwise_gets_the_challenge(string? amr, int authAgeSeconds, int expected)
    {
        await using var factory = new SecureApiFactory();
        var claims = new Dictionary<string, object> { ["auth_time"] = factory.Clock.GetUtcNow().ToUnixTimeSeconds() - authAgeSeconds };
        if (amr is not null) claims["amr"] = new[] { "pwd", amr }.Distinct().ToArray();
        var token = factory.Credentials.MintToken("idp-user", claims);

        var (status, _, headers) = await factory.SendAsync(new CaseRequest("DELETE", TokenEnrollment,
            ExtraHeaders: [new("Authorization", "Bearer " + token)]));

        Assert.Equal(expected, status);
        if (expected == 401) Assert.Contains("max_age=600", headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task A_window_belongs_to_the_token_that_presented_the_code_not_to_the_principal()
    {
        await using var factory = new SecureApiFactory();
        var first = factory.Credentials.MintToken("two-token-user", new Dictionary<string, object> { ["jti"] = "first" });
        var second = factory.Credentials.MintToken("two-token-user", new Dictionary<string, object> { ["jti"] = "second" });
        var (_, enrolled, _) = await factory.SendAsync(new CaseRequest("POST", TokenEnrollment,
            ExtraHeaders: [new("Authorization", "Bearer " + first), await TicketHeaderAsync(factory, TokenPrincipal("two-token-user"))]));
        var secret = JsonDocument.Parse(enrolled).RootElement.GetProperty("secret").GetString()!;
        await factory.SendAsync(new CaseRequest("POST", TokenEnrollment + "/confirm", ExtraHeaders: [new("Authorization", "Bearer " + first)]), Json(Code(factory, secret)));
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await factory.SendAsync(new CaseRequest("POST", "/protected/mfa/verify", ExtraHeaders: [new("Authorization", "Bearer " + first)]), Json(Code(factory, secret)));

        var (other, _, _) = await factory.SendAsync(new CaseRequest("DELETE", TokenEnrollment, ExtraHeaders: [new("Authorization", "Bearer " + second)]));
        var (same, _, _) = await factory.SendAsync(new CaseRequest("DELETE", TokenEnrollment, ExtraHeaders: [new("Authorization", "Bearer " + first)]));

        Assert.Equal(401, other);
        Assert.Equal(204, same);
    }

    [Fact]
    public async Task A_step_up_store_that_is_down_fails_closed_with_503()
    {
        await using var factory = new SecureApiFactory { ExtraServices = s => s.Replace(ServiceDescriptor.Singleton<IStepUpStore>(new DownStepUpStore())) };

        var (status, _, headers) = await factory.SendAsync(Write(CaseCredential.AdminApiKey, "123456"), """{"roles":[],"permissions":[]}""");

        Assert.Equal(503, status);
        Assert.False(string.IsNullOrEmpty(headers.RetryAfter));
        Assert.Null(await factory.Store().GetPrincipalAsync("alice"));
    }

    [Fact]
    public async Task No_secret_uri_or_code_reaches_any_log_even_at_trace()
    {
        var logs = new CapturingLoggerProvider();
        await using var factory = new SecureApiFactory
        {
            ExtraConfiguration = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft"] = "Trace" },
            ExtraServices = s => s.AddSingleton<ILoggerProvider>(logs),
        };
        var (_, body, _) = await factory.SendAsync(await EnrollmentRequestAsync(factory, KeyEnrollment, CaseCredential.AdminApiKey));
        var json = JsonDocument.Parse(body).RootElement;
        var secret = json.GetProperty("secret").GetString()!;
        var codes = new List<string> { Code(factory, secret) };
        await factory.SendAsync(new CaseRequest("POST", KeyEnrollment + "/confirm", CaseCredential.AdminApiKey), Json(codes[^1]));
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        codes.Add(Code(factory, secret));
        await factory.SendAsync(Write(CaseCredential.AdminApiKey, codes[^1]), """{"roles":[],"permissions":[]}""");
        codes.Add(WrongCode(factory, secret));
        await Verify(factory, CaseCredential.AdminApiKey, codes[^1]);

        var all = string.Join('\n', logs.Messages);
        Assert.NotEmpty(logs.Messages);
        Assert.Contains("Step-up code accepted", all);
        Assert.DoesNotContain(secret, all);
        Assert.DoesNotContain("otpauth", all);
        foreach (var code in codes) Assert.DoesNotContain(code, all);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(Messages);
        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception) + " " + exception);
        }
    }

    private sealed class DownStepUpStore : IStepUpStore
    {
        private static Task<T> Down<T>() => Task.FromException<T>(new AuthorizationStoreUnavailableException("GetItem: timeout"));
        public Task<MfaEnrollment?> GetEnrollmentAsync(string principalId, CancellationToken cancellationToken = default) => Down<MfaEnrollment?>();
        public Task<StartEnrollmentOutcome> StartEnrollmentAsync(string principalId, byte[] encryptedSecret, AuditActor actor, EnrollmentPermit? permit = null, CancellationToken cancellationToken = default) => Down<StartEnrollmentOutcome>();
        public Task IssueTicketAsync(string principalId, string sha256, DateTimeOffset expiresAt, AuditActor actor, CancellationToken cancellationToken = default) => Down<bool>();
        public Task<bool> ConfirmEnrollmentAsync(string principalId, DateTimeOffset createdAt, AuditActor actor, CancellationToken cancellationToken = default) => Down<bool>();
        public Task<bool> DeleteEnrollmentAsync(string principalId, AuditActor actor, CancellationToken cancellationToken = default) => Down<bool>();
        public Task<bool> TryAcceptTimeStepAsync(string principalId, long timeStep, CancellationToken cancellationToken = default) => Down<bool>();
        public Task<FailedAttempts?> GetFailedAttemptsAsync(string principalId, CancellationToken cancellationToken = default) => Down<FailedAttempts?>();
        public Task<AttemptReservation> TryReserveAttemptAsync(string principalId, int maxAttempts, TimeSpan window, CancellationToken cancellationToken = default) => Down<AttemptReservation>();
        public Task ReleaseAttemptAsync(string principalId, AttemptReservation reservation, CancellationToken cancellationToken = default) => Down<bool>();
        public Task OpenWindowAsync(string credentialId, string principalId, DateTimeOffset until, CancellationToken cancellationToken = default) => Down<bool>();
        public Task<StepUpWindow?> GetWindowAsync(string credentialId, CancellationToken cancellationToken = default) => Down<StepUpWindow?>();
    }
}
