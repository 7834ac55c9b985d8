using System.Diagnostics.Metrics;

namespace SecureApi.Lambda.Metrics;

/// <summary>The runtime loop's own instruments (meter <c>secureapi.lambda</c>); docs/metrics.md lists them.</summary>
public static class LambdaMetrics
{
    public const string MeterName = "secureapi.lambda";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> ColdStarts = Meter.CreateCounter<long>(
        "secureapi.lambda.cold_starts", "{invocation}", "Invocations that were the first of their execution environment.");

    /// <summary>The first invocation of this process; <paramref name="function"/> is AWS_LAMBDA_FUNCTION_NAME.</summary>
    internal static void ColdStart(string? function) =>
        ColdStarts.Add(1, new KeyValuePair<string, object?>("function", function ?? "unknown"));
}
