using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using QRCoder;
using SecureApi.Auth;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.AuthorizerContract;
using SecureApi.Admin;
using SecureApi.RateLimiting;
using SecureApi.Setup;

namespace SecureApi.StepUp;

/// <summary>
/// TOTP enrollment by the caller for itself, the same under both authorizers — /protected/mfa (TOKEN: IdP users) and
/// /protected/admin/mfa (REQUEST: key-based principals) — and an admin's reset of another principal's enrollment.
/// A pending enrollment satisfies nothing until confirmed with a code; deleting or resetting one needs step-up.
/// Every enrollment change is audited in the store. See docs/step-up.md.
/// </summary>
public static class MfaApi
{
    public static RouteGroupBuilder MapMfaApi(this IEndpointRouteBuilder app)
    {
        MapSelfService(app.MapGroup("/protected/mfa").WithTags("MFA")
            .RequireRateLimiting(RateLimitPolicies.Plan), AuthorizerNames.Token, "Token");            // per principal
        return MapSelfService(app.MapGroup("/protected/admin/mfa").WithTags("MFA")
            .RequireRateLimiting(RateLimitPolicies.Plan), AuthorizerNames.Request, "Key");     // per principal
    }

    /// <summary>An admin's reset of another principal's enrollment, in the admin group (Admin/AdminApi: authorizer, route check, rate limit).</summary>
    public static void MapMfaReset(this RouteGroupBuilder admin) =>
        admin.MapDelete("/principals/{principalId}/mfa", ResetEnrollment).WithName("ResetMfaEnrollment").RequireStepUp()
            .WithSummary("Removes another principal's TOTP enrollment (audited).");

    private static RouteGroupBuilder MapSelfService(RouteGroupBuilder group, string authorizer, string names)
    {
        group.BehindGatewayAuthorizer(authorizer).RequireRouteRules();
        group.MapPost("/enrollment", StartEnrollment).WithName("StartMfaEnrollment" + names)
            .WithSummary("Starts (or restarts) a pending TOTP enrollment with a ticket in X-Enrollment-Ticket (or the IdP's fresh MFA); the secret is in this response only.");
        group.MapPost("/enrollment/confirm", ConfirmEnrollment).WithName("ConfirmMfaEnrollment" + names)
            .WithSummary("Confirms the pending enrollment with a code from the app.");
        group.MapDelete("/enrollment", DeleteEnrollment).WithName("DeleteMfaEnrollment" + names).RequireStepUp()
            .WithSummary("Removes the caller's enrollment.");
        group.MapPost("/verify", Verify).WithName("VerifyMfaCode" + names)
            .WithSummary("Verifies a code and opens the step-up window for the presenting credential.");
        return group;
    }

    public static async Task<Results<Created<MfaEnrollmentResponse>, ProblemHttpResult>> StartEnrollment(
        HttpContext context, IStepUpStore store, SecretProtector protector, StepUpCheck check, StepUpOptions options, ILogger<MfaApiLog> logger,
        CancellationToken ct)
    {
        var principalId = AuthenticatedCaller.PrincipalId(context);
        if (EnrollmentTickets.PermitOf(context.User, context.Request, check, options) is not { } permit)
            return EnrollmentTickets.Refused();
        var secret = TotpCodes.NewSecret();
        try
        {
            var encrypted = await protector.ProtectAsync(secret, principalId, ct);
            switch (await store.StartEnrollmentAsync(principalId, encrypted, AuthenticatedCaller.Actor(context), permit, ct))
            {
                case StartEnrollmentOutcome.Confirmed:
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already enrolled",
                        detail: "A confirmed enrollment exists; DELETE it (with step-up) before enrolling again.");
                case StartEnrollmentOutcome.TicketRefused:
                    return EnrollmentTickets.Refused();
            }
            MfaApiLog.EnrollmentStarted(logger, principalId);
            var uri = TotpCodes.OtpAuthUri(secret, options.Issuer, principalId);
            SecretResponses.NeverCache(context.Response);
            return TypedResults.Created((string?)null, new MfaEnrollmentResponse(TotpCodes.Base32(secret), uri, QrPng(uri), "pending"));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult, ValidationProblem>> ConfirmEnrollment(
        MfaCodeBody body, HttpContext context, IStepUpStore store, StepUpCheck check, ILogger<MfaApiLog> logger, CancellationToken ct)
    {
        if (!TotpCodes.IsWellFormed(body.Code)) return CodeProblem();
        var principalId = AuthenticatedCaller.PrincipalId(context);
        var enrollment = await store.GetEnrollmentAsync(principalId, ct);
        if (enrollment is null) return TypedResults.NotFound();
        if (enrollment.Status == MfaEnrollmentStatus.Confirmed)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already confirmed");

        var result = await check.VerifyCodeAsync(principalId, body.Code!, ct, pending: true);
        if (result.Outcome != StepUpOutcome.Satisfied) return StepUpFilter.CodeRefusal(context, result);
        if (!await store.ConfirmEnrollmentAsync(principalId, result.Enrollment!.CreatedAt, AuthenticatedCaller.Actor(context), ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The enrollment changed", detail: "Start the enrollment again.");
        MfaApiLog.EnrollmentConfirmed(logger, principalId);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> Verify(MfaCodeBody body, HttpContext context, StepUpCheck check, CancellationToken ct)
    {
        if (!TotpCodes.IsWellFormed(body.Code)) return CodeProblem();
        var principalId = AuthenticatedCaller.PrincipalId(context);
        var result = await check.VerifyCodeAsync(principalId, body.Code!, ct);
        if (result.Outcome != StepUpOutcome.Satisfied) return StepUpFilter.CodeRefusal(context, result);
        await check.OpenWindowAsync(StepUpCredential.Of(context.User, context.Request), principalId, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, NotFound>> DeleteEnrollment(
        HttpContext context, IStepUpStore store, StepUpCheck check, ILogger<MfaApiLog> logger, CancellationToken ct)
    {
        var principalId = AuthenticatedCaller.PrincipalId(context);
        if (!await store.DeleteEnrollmentAsync(principalId, AuthenticatedCaller.Actor(context), ct)) return TypedResults.NotFound();
        check.Forget(principalId);
        MfaApiLog.EnrollmentDeleted(logger, principalId, principalId);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem>> ResetEnrollment(
        string principalId, HttpContext context, IStepUpStore store, StepUpCheck check, ILogger<MfaApiLog> logger, CancellationToken ct)
    {
        if (AdminValidation.IdProblem(principalId, "principalId") is { } problem) return problem;
        var actor = AuthenticatedCaller.Actor(context);
        if (!await store.DeleteEnrollmentAsync(principalId, actor, ct)) return TypedResults.NotFound();
        check.Forget(principalId);
        MfaApiLog.EnrollmentDeleted(logger, actor.PrincipalId, principalId);
        AdminMetrics.Changed(AuthorizationStore.AuditActions.MfaEnrollmentDeleted);
        return TypedResults.NoContent();
    }

    private static ValidationProblem CodeProblem() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = ["The code must be exactly 6 digits."] });

    private static string QrPng(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }
}

/// <summary>One line per enrollment change: who and whose. Never a secret, URI or code.</summary>
public sealed partial class MfaApiLog
{
    private MfaApiLog() { }

    [LoggerMessage(EventId = LogEvents.MfaEnrollmentStarted, EventName = nameof(LogEvents.MfaEnrollmentStarted), Level = LogLevel.Information, Message = "Principal {PrincipalId} started a TOTP enrollment.")]
    public static partial void EnrollmentStarted(ILogger logger, string principalId);

    [LoggerMessage(EventId = LogEvents.MfaEnrollmentConfirmed, EventName = nameof(LogEvents.MfaEnrollmentConfirmed), Level = LogLevel.Information, Message = "Principal {PrincipalId} confirmed its TOTP enrollment.")]
    public static partial void EnrollmentConfirmed(ILogger logger, string principalId);

    [LoggerMessage(EventId = LogEvents.MfaEnrollmentDeleted, EventName = nameof(LogEvents.MfaEnrollmentDeleted), Level = LogLevel.Information, Message = "{Actor} deleted the TOTP enrollment of principal {PrincipalId}.")]
    public static partial void EnrollmentDeleted(ILogger logger, string actor, string principalId);
}
