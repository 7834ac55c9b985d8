namespace SecureApi.AuthorizationStore.StepUp;

/// <summary>The audit records of enrollment changes. Details name the status only — never the secret or a code.</summary>
internal static class StepUpAudit
{
    public static AuditRecord Started(string principalId, DateTimeOffset at, AuditActor actor, EnrollmentPermit? permit = null) =>
        New(at, actor, AuditActions.MfaEnrollmentStarted, principalId, permit is null ? "status=pending" : $"status=pending permit={PermitText(permit.Kind)}");

    public static AuditRecord TicketIssued(string principalId, DateTimeOffset at, DateTimeOffset expiresAt, AuditActor actor) =>
        New(at, actor, AuditActions.MfaTicketIssued, principalId, "expires=" + expiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    private static string PermitText(EnrollmentPermitKind kind) => kind switch
    {
        EnrollmentPermitKind.Ticket => "ticket",
        EnrollmentPermitKind.Bootstrap => "bootstrap",
        _ => "idp-mfa",
    };

    public static AuditRecord Confirmed(string principalId, DateTimeOffset at, AuditActor actor) =>
        New(at, actor, AuditActions.MfaEnrollmentConfirmed, principalId, "status=confirmed");

    public static AuditRecord Deleted(string principalId, MfaEnrollmentStatus was, DateTimeOffset at, AuditActor actor) =>
        New(at, actor, AuditActions.MfaEnrollmentDeleted, principalId, "was=" + (was == MfaEnrollmentStatus.Confirmed ? "confirmed" : "pending"));

    private static AuditRecord New(DateTimeOffset at, AuditActor actor, string action, string principalId, string detail) =>
        AuditEntries.New(at, actor, action, "principal:" + principalId, detail, principalId);
}
