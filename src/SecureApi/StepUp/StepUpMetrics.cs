using System.Diagnostics.Metrics;

namespace SecureApi.StepUp;

/// <summary>Step-up's instruments (meter <c>secureapi.stepup</c>): refusals by kind, no dimensions; docs/metrics.md.</summary>
internal static class StepUpMetrics
{
    public const string MeterName = "secureapi.stepup";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Challenges = Meter.CreateCounter<long>(
        "secureapi.stepup.challenges", "{request}", "401 challenges: a step-up route called without a fresh MFA, open window or code.");

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>(
        "secureapi.stepup.failures", "{request}", "Codes that did not verify (wrong, replayed, or no confirmed enrollment).");

    private static readonly Counter<long> Lockouts = Meter.CreateCounter<long>(
        "secureapi.stepup.lockouts", "{request}", "Requests refused with 429 because the principal had too many wrong codes.");

    public static void Refused(StepUpOutcome outcome)
    {
        switch (outcome)
        {
            case StepUpOutcome.Required: Challenges.Add(1); break;
            case StepUpOutcome.WrongCode: Failures.Add(1); break;
            case StepUpOutcome.LockedOut: Lockouts.Add(1); break;
        }
    }
}
