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
    /// Stores a pending enrollment, replacing a pending one; returns false and writes nothing when a confirmed
    /// enrollment exists (it must be deleted, with step-up, first).
    /// </summary>
    Task<bool> StartEnrollmentAsync(string principalId, byte[] encryptedSecret, string actor, CancellationToken cancellationToken = default);

    /// <summary>Pending → confirmed, only if the pending enrollment is still the one with <paramref name="createdAt"/>; false otherwise.</summary>
    Task<bool> ConfirmEnrollmentAsync(string principalId, DateTimeOffset createdAt, string actor, CancellationToken cancellationToken = default);

    /// <summary>Removes the enrollment (any status); false when there is none.</summary>
    Task<bool> DeleteEnrollmentAsync(string principalId, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records <paramref name="timeStep"/> as the principal's last accepted TOTP time step if it is greater than the
    /// stored one (conditional write); false means the step (or a later one) was used already: a replay.
    /// </summary>
    Task<bool> TryAcceptTimeStepAsync(string principalId, long timeStep, CancellationToken cancellationToken = default);

    /// <summary>The failures counted in the principal's current window, or null when no window is running.</summary>
    Task<FailedAttempts?> GetFailedAttemptsAsync(string principalId, CancellationToken cancellationToken = default);

    /// <summary>Counts one failure atomically: in the running window, or in a new one of <paramref name="window"/> from now.</summary>
    Task<FailedAttempts> RecordFailedAttemptAsync(string principalId, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>Opens (or extends) the step-up window of one credential until <paramref name="until"/>.</summary>
    Task OpenWindowAsync(string credentialId, string principalId, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>The end of the credential's open step-up window, or null when none is open now.</summary>
    Task<StepUpWindow?> GetWindowAsync(string credentialId, CancellationToken cancellationToken = default);
}

public enum MfaEnrollmentStatus
{
    Pending,
    Confirmed,
}

/// <summary>An enrollment: the secret as the API encrypted it (never the plain secret), status and times.</summary>
public sealed record MfaEnrollment(string PrincipalId, byte[] EncryptedSecret, MfaEnrollmentStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt);

/// <summary>Failed code attempts of one principal in the window that ends at <see cref="WindowEndsAt"/>.</summary>
public sealed record FailedAttempts(int Count, DateTimeOffset WindowEndsAt);

/// <summary>An open step-up window of one credential.</summary>
public sealed record StepUpWindow(string CredentialId, string PrincipalId, DateTimeOffset Until);
