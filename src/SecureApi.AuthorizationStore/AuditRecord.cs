namespace SecureApi.AuthorizationStore;

/// <summary>
/// One change to the store: who (actor), what (action on subject, plus a secret-free detail), when. Written in
/// the same transaction as the change, so a change without its record (or the reverse) cannot exist.
/// </summary>
public sealed record AuditRecord(string Id, DateTimeOffset At, string Actor, string Action, string Subject, string Detail);

/// <summary>The <see cref="AuditRecord.Action"/> values.</summary>
public static class AuditActions
{
    public const string PrincipalCreated = "principal.created";
    public const string PrincipalUpdated = "principal.updated";
    public const string CredentialCreated = "credential.created";
    public const string CredentialRevoked = "credential.revoked";
    public const string RouteRulesUpdated = "route-policy.updated";
    /// <summary>Step-up (docs/step-up.md): a TOTP enrollment was started, confirmed, or deleted/reset.</summary>
    public const string MfaEnrollmentStarted = "mfa-enrollment.started";
    public const string MfaEnrollmentConfirmed = "mfa-enrollment.confirmed";
    public const string MfaEnrollmentDeleted = "mfa-enrollment.deleted";
}
