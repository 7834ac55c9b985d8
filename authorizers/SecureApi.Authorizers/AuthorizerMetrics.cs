using System.Diagnostics.Metrics;

namespace SecureApi.Authorizers;

/// <summary>
/// The authorizers' instruments (meter <c>secureapi.authorizers</c>), written as EMF on Lambda (docs/metrics.md).
/// Dimensions are closed sets only — authorizer, outcome, <see cref="MetricReasons"/>, result — never a principal,
/// key id, credential or route.
/// </summary>
internal static class AuthorizerMetrics
{
    public const string MeterName = "secureapi.authorizers";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Decisions = Meter.CreateCounter<long>(
        "secureapi.authorizer.decisions", "{decision}", "Authorizer decisions by authorizer, outcome and reason.");

    private static readonly Histogram<double> DecisionDuration = Meter.CreateHistogram<double>(
        "secureapi.authorizer.decision.duration", "ms", "Time from event to decision, inside the function.");

    private static readonly Counter<long> KeyFetches = Meter.CreateCounter<long>(
        "secureapi.authorizer.key_fetches", "{fetch}", "Signing-key fetches (discovery/JWKS) by result: ok or failed.");

    public static void Decided(string authorizer, AuthorizerDecision decision, TimeSpan latency)
    {
        Decisions.Add(1,
            new KeyValuePair<string, object?>("authorizer", authorizer),
            new KeyValuePair<string, object?>("outcome", Outcome(decision.Outcome)),
            new KeyValuePair<string, object?>("reason", MetricReasons.Of(decision.ReasonCode)));
        DecisionDuration.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("authorizer", authorizer));
    }

    /// <summary>A fetch that brought no usable key counts as failed: the authorizer is no better off.</summary>
    public static void KeyFetch(bool succeeded) =>
        KeyFetches.Add(1, new KeyValuePair<string, object?>("result", succeeded ? "ok" : "failed"));

    private static string Outcome(AuthorizerOutcome outcome) => outcome switch
    {
        AuthorizerOutcome.Allow => "allow",
        AuthorizerOutcome.Deny => "deny",
        _ => "unauthorized",
    };
}
