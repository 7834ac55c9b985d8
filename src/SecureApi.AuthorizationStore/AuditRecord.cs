namespace SecureApi.AuthorizationStore;

/// <summary>
/// One change to the store: who (actor), what (action on subject, plus a secret-free detail), when. Written in
/// the same transaction as the change, so a change without its record (or the reverse) cannot exist.
/// </summary>
/// <param name="Actor">The caller's principal id.</param>
/// <param name="PrincipalId">The principal the change concerns (its record, key or enrollment); null for the route table.</param>
/// <param name="Caller">Who made the change, as the authorizer established it; never a secret.</param>
public sealed record AuditRecord(string Id, DateTimeOffset At, string Actor, string Action, string Subject, string Detail,
    string? PrincipalId = null, AuditActor? Caller = null);

/// <summary>
/// The caller of a change (docs/admin-api.md#audit): principal, auth type, key id (a store key), issuer (a token),
/// source IP and request id. A plain principal id converts to one (tests, seeds, setup).
/// </summary>
public sealed record AuditActor(string PrincipalId, string? AuthType = null, string? KeyId = null, string? Issuer = null,
    string? SourceIp = null, string? RequestId = null)
{
    public static implicit operator AuditActor(string principalId) => new(principalId);
}

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
    /// <summary>An admin issued an enrollment ticket for a principal (docs/step-up.md#enrollment-tickets).</summary>
    public const string MfaTicketIssued = "mfa-ticket.issued";
    /// <summary>The run-time issuer registry (docs/identity-providers.md#run-time-registry).</summary>
    public const string IssuerCreated = "issuer.created";
    public const string IssuerUpdated = "issuer.updated";
    public const string IssuerDeleted = "issuer.deleted";
    /// <summary>The run-time SAML IdP registry (docs/saml.md#run-time-registry).</summary>
    public const string SamlIdpCreated = "saml-idp.created";
    public const string SamlIdpUpdated = "saml-idp.updated";
    public const string SamlIdpDeleted = "saml-idp.deleted";
}
