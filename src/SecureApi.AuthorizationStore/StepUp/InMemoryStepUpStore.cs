namespace SecureApi.AuthorizationStore.StepUp;

/// <summary>
/// The step-up store of `dotnet run` without a table: the DynamoDB store's semantics behind one lock. Enrollment
/// audit records go to the given in-memory authorization store's trail (the one trail the admin reads).
/// </summary>
public sealed class InMemoryStepUpStore(TimeProvider time, InMemoryAuthorizationStore? audit = null) : IStepUpStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, MfaEnrollment> _enrollments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastSteps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FailedAttempts> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (StepUpWindow Window, long Generation)> _windows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _resetGenerations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Sha256, DateTimeOffset ExpiresAt)> _tickets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _spentBootstrapTickets = new(StringComparer.Ordinal);

    public Task<MfaEnrollment?> GetEnrollmentAsync(string principalId, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        lock (_gate) return Task.FromResult(_enrollments.GetValueOrDefault(principalId));
    }

    public Task<StartEnrollmentOutcome> StartEnrollmentAsync(string principalId, byte[] encryptedSecret, AuditActor actor, EnrollmentPermit? permit = null,
        CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        StepUpInput.Secret(encryptedSecret);
        StepUpInput.Permit(permit);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            if (_enrollments.TryGetValue(principalId, out var existing) && existing.Status == MfaEnrollmentStatus.Confirmed)
                return Task.FromResult(StartEnrollmentOutcome.Confirmed);
            var now = time.GetUtcNow();
            switch (permit)
            {
                case { Kind: EnrollmentPermitKind.Ticket }:
                    if (!_tickets.TryGetValue(principalId, out var ticket) || ticket.Sha256 != permit.Sha256 || ticket.ExpiresAt <= now)
                        return Task.FromResult(StartEnrollmentOutcome.TicketRefused);
                    _tickets.Remove(principalId);
                    break;
                case { Kind: EnrollmentPermitKind.Bootstrap }:
                    if (!_spentBootstrapTickets.Add(permit.Sha256!)) return Task.FromResult(StartEnrollmentOutcome.TicketRefused);
                    break;
            }
            _enrollments[principalId] = new MfaEnrollment(principalId, [.. encryptedSecret], MfaEnrollmentStatus.Pending, now, null);
            audit?.AppendAudit(StepUpAudit.Started(principalId, now, actor, permit));
            return Task.FromResult(StartEnrollmentOutcome.Started);
        }
    }

    public Task IssueTicketAsync(string principalId, string sha256, DateTimeOffset expiresAt, AuditActor actor, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        sha256 = StoreInput.Sha256(sha256);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            _tickets[principalId] = (sha256, expiresAt);
            audit?.AppendAudit(StepUpAudit.TicketIssued(principalId, time.GetUtcNow(), expiresAt, actor));
        }
        return Task.CompletedTask;
    }

    public Task<bool> ConfirmEnrollmentAsync(string principalId, DateTimeOffset createdAt, AuditActor actor, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            if (!_enrollments.TryGetValue(principalId, out var existing) || existing.Status != MfaEnrollmentStatus.Pending || existing.CreatedAt != createdAt)
                return Task.FromResult(false);
            var now = time.GetUtcNow();
            _enrollments[principalId] = existing with { Status = MfaEnrollmentStatus.Confirmed, ConfirmedAt = now };
            audit?.AppendAudit(StepUpAudit.Confirmed(principalId, now, actor));
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteEnrollmentAsync(string principalId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        actor = AuditEntries.Actor(actor);
        lock (_gate)
        {
            if (!_enrollments.Remove(principalId, out var existing)) return Task.FromResult(false);
            _resetGenerations[principalId] = _resetGenerations.GetValueOrDefault(principalId) + 1;
            audit?.AppendAudit(StepUpAudit.Deleted(principalId, existing.Status, time.GetUtcNow(), actor));
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryAcceptTimeStepAsync(string principalId, long timeStep, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        lock (_gate)
        {
            if (_lastSteps.TryGetValue(principalId, out var last) && last >= timeStep) return Task.FromResult(false);
            _lastSteps[principalId] = timeStep;
            return Task.FromResult(true);
        }
    }

    public Task<FailedAttempts?> GetFailedAttemptsAsync(string principalId, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        lock (_gate)
        {
            return Task.FromResult(_failures.TryGetValue(principalId, out var f) && f.WindowEndsAt > time.GetUtcNow() && f.Count > 0 ? f : null);
        }
    }

    public Task<AttemptReservation> TryReserveAttemptAsync(string principalId, int maxAttempts, TimeSpan window, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        StepUpInput.Positive(window, nameof(window));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_failures.TryGetValue(principalId, out var f) && f.WindowEndsAt > now && f.Count > 0) // all given back: a new window
            {
                if (f.Count >= maxAttempts) return Task.FromResult(new AttemptReservation(false, f));
                f = f with { Count = f.Count + 1 };
            }
            else
            {
                f = new FailedAttempts(1, now + window);
            }
            _failures[principalId] = f;
            return Task.FromResult(new AttemptReservation(true, f));
        }
    }

    public Task ReleaseAttemptAsync(string principalId, AttemptReservation reservation, CancellationToken cancellationToken = default)
    {
        StepUpInput.PrincipalId(principalId);
        ArgumentNullException.ThrowIfNull(reservation);
        if (!reservation.Reserved) return Task.CompletedTask;
        lock (_gate)
        {
            if (_failures.TryGetValue(principalId, out var f) && f.WindowEndsAt == reservation.Attempts.WindowEndsAt && f.Count > 0)
                _failures[principalId] = f with { Count = f.Count - 1 };
        }
        return Task.CompletedTask;
    }

    public Task OpenWindowAsync(string credentialId, string principalId, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        StepUpInput.CredentialId(credentialId);
        StepUpInput.PrincipalId(principalId);
        lock (_gate) _windows[credentialId] = (new StepUpWindow(credentialId, principalId, until), _resetGenerations.GetValueOrDefault(principalId));
        return Task.CompletedTask;
    }

    public Task<StepUpWindow?> GetWindowAsync(string credentialId, CancellationToken cancellationToken = default)
    {
        StepUpInput.CredentialId(credentialId);
        lock (_gate)
        {
            return Task.FromResult(_windows.TryGetValue(credentialId, out var w) && w.Window.Until > time.GetUtcNow()
                && w.Generation == _resetGenerations.GetValueOrDefault(w.Window.PrincipalId) ? w.Window : null);
        }
    }
}
