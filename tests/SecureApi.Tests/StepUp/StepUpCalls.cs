using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.StepUp;
using SecureApi.Testing;

namespace SecureApi.Tests.StepUp;

/// <summary>Step-up calls through the local stage: enrollment, codes, verification (docs/step-up.md).</summary>
internal static class StepUpCalls
{
    public const string KeyEnrollment = "/protected/admin/mfa/enrollment";
    public const string KeyVerify = "/protected/admin/mfa/verify";
    public const string TokenEnrollment = "/protected/mfa/enrollment";

    public static CaseRequest Write(CaseCredential credential, string? code = null) =>
        new("PUT", "/protected/admin/principals/alice", credential, ExtraHeaders: code is null ? null : [new("X-MFA-Code", code)]);

    public static Task<(int Status, string Body, IHeaderDictionary Headers)> Verify(SecureApiFactory factory, CaseCredential credential, string code) =>
        factory.SendAsync(new CaseRequest("POST", KeyVerify, credential), Json(code));

    public static string Json(string code) => JsonSerializer.Serialize(new { code });

    public static string Code(SecureApiFactory factory, string secret) =>
        TotpCodes.For(Base32Encoding.ToBytes(secret)).ComputeTotp(factory.Clock.GetUtcNow().UtcDateTime);

    /// <summary>A well-formed code that matches no step within the skew.</summary>
    public static string WrongCode(SecureApiFactory factory, string secret)
    {
        var totp = TotpCodes.For(Base32Encoding.ToBytes(secret));
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var valid = new[] { -30, 0, 30 }.Select(s => totp.ComputeTotp(now.AddSeconds(s))).ToHashSet();
        for (var n = 0; ; n++)
        {
            var candidate = n.ToString("D6");
            if (!valid.Contains(candidate)) return candidate;
        }
    }

    /// <summary>The principal each test credential stands for.</summary>
    public static string PrincipalOf(CaseCredential credential) => credential switch
    {
        CaseCredential.AdminApiKey => AdminCalls.Actor,
        CaseCredential.UserApiKey => "api-key-reader",
        CaseCredential.CustomHeader => "custom-user",
        CaseCredential.AdminToken => TokenPrincipal("test-admin"),
        _ => TokenPrincipal("test-user"),
    };

    /// <summary>A test token's principal: identity is (issuer, sub), and the test tokens come from the issuer named "default".</summary>
    public static string TokenPrincipal(string sub) => SecureApi.AuthorizerContract.TokenSubjects.PrincipalId("default", sub);

    /// <summary>An enrollment ticket for the principal, issued in the store as an admin's POST …/mfa/ticket would.</summary>
    public static async Task<KeyValuePair<string, string>> TicketHeaderAsync(SecureApiFactory factory, string principalId)
    {
        var ticket = "test-ticket-" + Guid.NewGuid().ToString("N");
        await factory.Services.GetRequiredService<IStepUpStore>().IssueTicketAsync(
            principalId, SecureApi.AuthorizationStore.CredentialHash.Of(ticket), factory.Clock.GetUtcNow().AddHours(1), "test-setup");
        return new(EnrollmentTickets.Header, ticket);
    }

    /// <summary>POST …/enrollment with a fresh ticket for the credential's principal.</summary>
    public static async Task<CaseRequest> EnrollmentRequestAsync(SecureApiFactory factory, string enrollment, CaseCredential credential) =>
        new("POST", enrollment, credential, ExtraHeaders: [await TicketHeaderAsync(factory, PrincipalOf(credential))]);

    public static async Task<string> StartEnrollmentAsync(SecureApiFactory factory, string enrollment, CaseCredential credential)
    {
        var (status, body, _) = await factory.SendAsync(await EnrollmentRequestAsync(factory, enrollment, credential));
        Assert.Equal(201, status);
        return JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!;
    }

    /// <summary>Enrolls and confirms, then moves the clock to the next time step (the confirming code is spent).</summary>
    public static async Task<string> EnrollAndConfirmAsync(SecureApiFactory factory, string enrollment, CaseCredential credential)
    {
        var secret = await StartEnrollmentAsync(factory, enrollment, credential);
        var (status, _, _) = await factory.SendAsync(new CaseRequest("POST", enrollment + "/confirm", credential), Json(Code(factory, secret)));
        Assert.Equal(204, status);
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        return secret;
    }
}
