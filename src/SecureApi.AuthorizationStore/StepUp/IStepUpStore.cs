namespace SecureApi.AuthorizationStore.StepUp;

/// <summary>
/// What step-up authentication keeps per principal and per credential (docs/step-up.md): the TOTP enrollment (secret
/// encrypted by the caller — the store never sees it in plain), the last accepted time step (replay), failed
/// attempts (lockout) and open step-up windows. Everything that must hold across API instances is a conditional or
/// atomic write here. Enrollment changes write their audit record atomically with the change; nothing else is
/// audited (verifications are too frequent and carry nothing to review). Failures throw
/// <see cref="AuthorizationStoreUnavailableException"/>; callers fail closed.
/// </summary>
public interface IStepUpStore
{
    /// <summary>The principal's enrollment (pending or confirmed), or null.</summary>
    Task<MfaEnrollment?> GetEnrollmentAsync(string principalId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a pending enrollment, replacing a pending one, and in the same transaction spends what permitted it
    /// (<paramref name="permit"/>: a ticket of this principal, the bootstrap ticket — once for the whole store — or
    /// nothing for the IdP's fresh MFA). <see cref="StartEnrollmentOutcome.Confirmed"/>: a confirmed enrollment exists
    /// (delete it, with step-up, first); <see cref="StartEnrollmentOutcome.TicketRefused"/>: the ticket is unknown,
    /// expired or spent. Either way nothing is written.
    /// </summary>
    Task<StartEnrollmentOutcome> StartEnrollmentAsync(string principalId, byte[] encryptedSecret, AuditActor actor, EnrollmentPermit? permit = null,
        CancellationToken cancellationToken = default);

    /// <summary>Stores an enrollment ticket for the principal (its SHA-256 only), replacing an unspent one, with its audit record.</summary>
    Task IssueTicketAsync(string principalId, string sha256, DateTimeOffset expiresAt, AuditActor actor, CancellationToken cancellationToken = default);

    /// <summary>Pending → confirmed, only if the pending enrollment is still the one with <paramref name="createdAt"/>; false otherwise.</summary>
    Task<bool> ConfirmEnrollmentAsync(string principalId, DateTimeOffset createdAt, AuditActor actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the enrollment (any status) and, in the same transaction, closes every step-up window the principal
    /// has open (its reset generation moves on; docs/step-up.md#reset); false when there is none.
    /// </summary>
    Task<bool> DeleteEnrollmentAsync(string principalId, AuditActor actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records <paramref name="timeStep"/> as the principal's last accepted TOTP time step if it is greater than the
    /// stored one (conditional write); false means the step (or a later one) was used already: a replay.
    /// </summary>
    Task<bool> TryAcceptTimeStepAsync(string principalId, long timeStep, CancellationToken cancellationToken = default);

    /// <summary>The failures counted in the principal's current window, or null when none is running or it counts none.</summary>
    Task<FailedAttempts?> GetFailedAttemptsAsync(string principalId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reserves one code attempt before any code is checked (docs/step-up.md#lockout): one atomic write that counts
    /// it as a failure only while fewer than <paramref name="maxAttempts"/> are counted in the running window (or
    /// opens a new window of <paramref name="window"/> from now). Not reserved → the principal is locked out until
    /// <see cref="FailedAttempts.WindowEndsAt"/>. However many attempts race, at most maxAttempts are reserved. A window
    /// whose attempts were all given back counts as none: the next attempt opens a new one.
    /// </summary>
    Task<AttemptReservation> TryReserveAttemptAsync(string principalId, int maxAttempts, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>Gives a reservation back once its code verified (a wrong code keeps it: it was the failure).</summary>
    Task ReleaseAttemptAsync(string principalId, AttemptReservation reservation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens (or extends) the step-up window of one credential until <paramref name="until"/>, tagged with the
    /// principal's current reset generation: a reset after this makes it closed.
    /// </summary>
    Task OpenWindowAsync(string credentialId, string principalId, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>The credential's open step-up window, or null when none is open now or its principal was reset since it opened.</summary>
    Task<StepUpWindow?> GetWindowAsync(string credentialId, CancellationToken cancellationToken = default);
}

public enum StartEnrollmentOutcome
{
    Started,
    Confirmed,
    TicketRefused,
}

public enum EnrollmentPermitKind
{
    /// <summary>A ticket an admin issued for this principal (spent by the enrollment).</summary>
    Ticket,
    /// <summary>The configured bootstrap ticket (spent once for the whole store).</summary>
    Bootstrap,
    /// <summary>The IdP's fresh MFA: nothing to spend.</summary>
    IdpMfa,
}

/// <summary>What lets a first enrollment happen (docs/step-up.md#enrollment-tickets); <see cref="Sha256"/> of the presented ticket.</summary>
public sealed record EnrollmentPermit(EnrollmentPermitKind Kind, string? Sha256 = null);

public enum MfaEnrollmentStatus
{
    Pending,
    Confirmed,
}

/// <summary>An enrollment: the secret as the API encrypted it (never the plain secret), status and times.</summary>
public sealed record MfaEnrollment(string PrincipalId, byte[] EncryptedSecret, MfaEnrollmentStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt);

/// <summary>Failed code attempts of one principal in the window that ends at <see cref="WindowEndsAt"/>.</summary>
public sealed record FailedAttempts(int Count, DateTimeOffset WindowEndsAt);

/// <summary>A reserved attempt (<see cref="Reserved"/>) and the count with it, or a refusal: the running window is full.</summary>
public sealed record AttemptReservation(bool Reserved, FailedAttempts Attempts);

/// <summary>An open step-up window of one credential.</summary>
public sealed record StepUpWindow(string CredentialId, string PrincipalId, DateTimeOffset Until);
