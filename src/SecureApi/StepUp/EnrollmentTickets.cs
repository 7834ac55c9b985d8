using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.Admin;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.Setup;

namespace SecureApi.StepUp;

/// <summary>
/// No trust on first use (docs/step-up.md#enrollment-tickets): a principal without a confirmed enrollment enrolls
/// only with something a single stolen credential does not give — an admin's one-use ticket for it (24 h, stored as
/// its SHA-256), the configured bootstrap ticket (once per store), or, for a JWT caller, the IdP's fresh MFA.
/// </summary>
public static class EnrollmentTickets
{
    public const string Header = "X-Enrollment-Ticket";

    /// <summary>POST /protected/admin/principals/{principalId}/mfa/ticket, in the admin group (role admin, step-up).</summary>
    public static void MapEnrollmentTickets(this RouteGroupBuilder admin) =>
        admin.MapPost("/principals/{principalId}/mfa/ticket", IssueTicket).WithName("IssueEnrollmentTicket").RequireStepUp()
            .WithSummary("Issues a one-use enrollment ticket for the principal (24 h); the ticket is in this response only.");

    public static async Task<Results<Created<EnrollmentTicketResponse>, ValidationProblem>> IssueTicket(
        string principalId, HttpContext context, IStepUpStore store, TimeProvider time, CancellationToken ct)
    {
        if (AdminValidation.IdProblem(principalId, "principalId") is { } problem) return problem;
        var ticket = AdminKeys.NewEnrollmentTicket();
        var expiresAt = time.GetUtcNow() + StepUpOptions.TicketLifetime;
        await store.IssueTicketAsync(principalId, CredentialHash.Of(ticket), expiresAt, AuthenticatedCaller.Actor(context), ct);
        AdminMetrics.Changed(AuthorizationStore.AuditActions.MfaTicketIssued);
        SecretResponses.NeverCache(context.Response);
        return TypedResults.Created((string?)null, new EnrollmentTicketResponse(ticket, expiresAt));
    }

    /// <summary>What permits this caller's enrollment: the IdP's fresh MFA, else the ticket in the header; null → 403.</summary>
    public static EnrollmentPermit? PermitOf(ClaimsPrincipal user, HttpRequest request, StepUpCheck check, StepUpOptions options)
    {
        if (check.HasFreshIdpMfa(user)) return new EnrollmentPermit(EnrollmentPermitKind.IdpMfa);
        if (!request.Headers.TryGetValue(Header, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0])) return null;
        var sha256 = CredentialHash.Of(values[0]!);
        var bootstrap = options.BootstrapTicketSha256 is { } configured &&
            CryptographicOperations.FixedTimeEquals(Convert.FromHexString(configured), Convert.FromHexString(sha256));
        return new EnrollmentPermit(bootstrap ? EnrollmentPermitKind.Bootstrap : EnrollmentPermitKind.Ticket, sha256);
    }

    /// <summary>403 problem+json naming the header: a first enrollment needs a valid ticket.</summary>
    public static ProblemHttpResult Refused() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: $"{Header} is missing, unknown, expired or already used: a first enrollment needs a ticket from an admin (or the IdP's fresh MFA).");
}

/// <summary>201 of POST …/mfa/ticket: the ticket (shown once; only its SHA-256 is stored) and when it expires.</summary>
public sealed record EnrollmentTicketResponse(string Ticket, DateTimeOffset ExpiresAt);
