using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.AuthorizerContract;

namespace SecureApi.StepUp;

/// <summary>The outcome of a step-up check; <see cref="StepUpFilter"/> maps each to its answer.</summary>
public enum StepUpOutcome
{
    /// <summary>The IdP's fresh MFA, an open window, or a code that verified (which opened a window).</summary>
    Satisfied,
    /// <summary>No step-up presented → 401 with the RFC 9470 challenge.</summary>
    Required,
    /// <summary>A code that did not verify, was used before, or no confirmed enrollment → 401.</summary>
    WrongCode,
    /// <summary>Malformed X-MFA-Code → 400.</summary>
    MalformedCode,
    /// <summary>Too many wrong codes in the window → 429 with Retry-After.</summary>
    LockedOut,
}

/// <param name="Enrollment">The enrollment the code was checked against, when there was one.</param>
public readonly record struct StepUpResult(StepUpOutcome Outcome, TimeSpan RetryAfter = default, MfaEnrollment? Enrollment = null);

/// <summary>
/// The step-up decision for one request (docs/step-up.md), in order: (1) a TOKEN-authorizer caller whose IdP did MFA
/// (<c>amr</c>) at most MaxAuthAgeSeconds ago (<c>auth_time</c>); (2) an open window of this credential (held in memory
/// for at most AuthorizationStore:CacheSeconds once seen, so a warm check makes no store call and a reset on another
/// instance closes it within that time); (3) a code — lockout, confirmed enrollment, TOTP
/// (±1 step), replay — that opens the window; the attempt is reserved before the code is checked. Store errors propagate (the caller fails closed). Singleton.
/// </summary>
public sealed partial class StepUpCheck(
    IStepUpStore store, SecretProtector protector, StepUpOptions options, AuthorizationStoreOptions storeOptions, TimeProvider time,
    ILogger<StepUpCheck> logger)
{
    public const string CodeHeader = "X-MFA-Code";
    private const int MaxCachedWindows = 10_000;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SeenWindow> _windows = new(StringComparer.Ordinal);

    /// <summary>A window as the store showed it: open until <see cref="Until"/>, believed without asking again until <see cref="RecheckAt"/>.</summary>
    private readonly record struct SeenWindow(string PrincipalId, DateTimeOffset Until, DateTimeOffset RecheckAt);

    public async ValueTask<StepUpResult> CheckAsync(ClaimsPrincipal user, HttpRequest request, CancellationToken ct)
    {
        var principalId = user.FindFirst(ApiGatewayAuthorizerClaimTypes.PrincipalId)?.Value;
        if (string.IsNullOrEmpty(principalId)) return new(StepUpOutcome.Required);
        if (HasFreshIdpMfa(user)) return new(StepUpOutcome.Satisfied);

        var credential = StepUpCredential.Of(user, request);
        if (WindowOpenInMemory(credential)) return new(StepUpOutcome.Satisfied);
        if (await store.GetWindowAsync(credential, ct).ConfigureAwait(false) is { } window && window.PrincipalId == principalId)
        {
            Remember(credential, principalId, window.Until);
            return new(StepUpOutcome.Satisfied);
        }

        if (!request.Headers.TryGetValue(CodeHeader, out var codes)) return new(StepUpOutcome.Required);
        if (codes.Count != 1 || !TotpCodes.IsWellFormed(codes[0])) return new(StepUpOutcome.MalformedCode);
        var result = await VerifyCodeAsync(principalId, codes[0]!, ct).ConfigureAwait(false);
        if (result.Outcome == StepUpOutcome.Satisfied) await OpenWindowAsync(credential, principalId, ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// A code against the principal's enrollment. The attempt is reserved first (one conditional write that succeeds
    /// only while fewer than MaxFailedAttempts are counted): no reservation → LockedOut, whatever the code. Wrong,
    /// replayed or no usable enrollment → WrongCode (the reservation stays counted); else Satisfied with the time
    /// step recorded and the reservation given back (an accepted code is never accepted again, not even the one that
    /// confirmed the enrollment). <paramref name="pending"/> → against a pending enrollment (confirmation).
    /// </summary>
    public async Task<StepUpResult> VerifyCodeAsync(string principalId, string code, CancellationToken ct, bool pending = false)
    {
        var reservation = await store.TryReserveAttemptAsync(principalId, StepUpOptions.MaxFailedAttempts, StepUpOptions.LockoutWindow, ct).ConfigureAwait(false);
        if (!reservation.Reserved)
        {
            Log.LockedOut(logger, principalId);
            return new(StepUpOutcome.LockedOut, reservation.Attempts.WindowEndsAt - time.GetUtcNow());
        }

        var now = time.GetUtcNow();
        var wanted = pending ? MfaEnrollmentStatus.Pending : MfaEnrollmentStatus.Confirmed;
        var enrollment = await store.GetEnrollmentAsync(principalId, ct).ConfigureAwait(false);
        long? step = null;
        if (enrollment?.Status == wanted)
        {
            var secret = await SecretAsync(enrollment, ct).ConfigureAwait(false);
            try
            {
                step = TotpCodes.MatchedStep(secret, code, now);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }
        }

        if (step is { } matched && await store.TryAcceptTimeStepAsync(principalId, matched, ct).ConfigureAwait(false))
        {
            await store.ReleaseAttemptAsync(principalId, reservation, ct).ConfigureAwait(false);
            Log.CodeAccepted(logger, principalId);
            return new(StepUpOutcome.Satisfied, Enrollment: enrollment);
        }

        Log.CodeRefused(logger, principalId, enrollment is null ? "no enrollment" : enrollment.Status != wanted ? "enrollment not " + (pending ? "pending" : "confirmed")
            : step is null ? "wrong code" : "code already used", reservation.Attempts.Count);
        return new(StepUpOutcome.WrongCode, Enrollment: enrollment);
    }

    public async Task OpenWindowAsync(string credential, string principalId, CancellationToken ct)
    {
        var until = time.GetUtcNow() + options.Window;
        await store.OpenWindowAsync(credential, principalId, until, ct).ConfigureAwait(false);
        Remember(credential, principalId, until);
    }

    /// <summary>After the principal's enrollment was deleted or reset: this instance forgets its windows at once (others within CacheSeconds).</summary>
    public void Forget(string principalId)
    {
        lock (_gate)
            foreach (var (credential, seen) in _windows)
                if (seen.PrincipalId == principalId) _windows.Remove(credential);
    }

    /// <summary>amr and auth_time come from the TOKEN authorizer only: any other context carrying them is ignored.</summary>
    internal bool HasFreshIdpMfa(ClaimsPrincipal user)
    {
        if (user.FindFirst(ApiGatewayAuthorizerClaimTypes.AuthType)?.Value != AuthTypes.Jwt) return false;
        if (user.FindFirst(ApiGatewayAuthorizerClaimTypes.AuthTime)?.Value is not { } authTimeText ||
            !long.TryParse(authTimeText, NumberStyles.None, CultureInfo.InvariantCulture, out var authTime)) return false;
        var age = time.GetUtcNow().ToUnixTimeSeconds() - authTime;
        if (age > options.MaxAuthAgeSeconds || age < -60) return false; // an auth_time far in the future is not believed
        foreach (var amr in user.FindAll(ApiGatewayAuthorizerClaimTypes.Amr))
            if (options.AcceptedAmrValues.Contains(amr.Value, StringComparer.Ordinal)) return true;
        return false;
    }

    private async Task<byte[]> SecretAsync(MfaEnrollment enrollment, CancellationToken ct)
    {
        try
        {
            return await protector.UnprotectAsync(enrollment.EncryptedSecret, enrollment.PrincipalId, ct).ConfigureAwait(false);
        }
        catch (CryptographicException e)
        {
            // A key we cannot use (an ephemeral key from before a restart, a tampered item): fail closed as a store outage.
            throw new AuthorizationStoreUnavailableException("The enrollment secret could not be decrypted.", e);
        }
    }

    private bool WindowOpenInMemory(string credential)
    {
        var now = time.GetUtcNow();
        lock (_gate) return _windows.TryGetValue(credential, out var seen) && seen.Until > now && seen.RecheckAt > now;
    }

    private void Remember(string credential, string principalId, DateTimeOffset until)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_windows.Count >= MaxCachedWindows)
            {
                foreach (var (key, seen) in _windows) if (seen.Until <= now || seen.RecheckAt <= now) _windows.Remove(key);
                if (_windows.Count >= MaxCachedWindows) _windows.Clear();
            }
            _windows[credential] = new SeenWindow(principalId, until, now + storeOptions.CacheDuration);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.StepUpCodeAccepted, EventName = nameof(LogEvents.StepUpCodeAccepted), Level = LogLevel.Information, Message = "Step-up code accepted for principal {PrincipalId}.")]
        public static partial void CodeAccepted(ILogger logger, string principalId);

        [LoggerMessage(EventId = LogEvents.StepUpCodeRefused, EventName = nameof(LogEvents.StepUpCodeRefused), Level = LogLevel.Warning, Message = "Step-up code refused for principal {PrincipalId} ({Reason}); {Failures} failures in the current window.")]
        public static partial void CodeRefused(ILogger logger, string principalId, string reason, int failures);

        [LoggerMessage(EventId = LogEvents.StepUpLockedOut, EventName = nameof(LogEvents.StepUpLockedOut), Level = LogLevel.Warning, Message = "Step-up code not checked for principal {PrincipalId}: locked out after too many wrong codes.")]
        public static partial void LockedOut(ILogger logger, string principalId);
    }
}
