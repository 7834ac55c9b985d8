using System.Diagnostics.Metrics;

namespace SecureApi.AuthorizationStore;

/// <summary>
/// The store's instruments (meter <c>secureapi.store</c>): every DynamoDB operation the store runs, its latency and
/// whether it failed (fail closed), by operation name — a fixed list in the code, never a key or an id
/// (docs/metrics.md). Cache hits make no call and are not counted.
/// </summary>
internal static class StoreMetrics
{
    public const string MeterName = "secureapi.store";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Calls = Meter.CreateCounter<long>(
        "secureapi.store.calls", "{call}", "Store operations by operation and result (ok, failed).");

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>(
        "secureapi.store.failures", "{call}", "Store operations that failed (timeout, network, throttling, missing table, malformed item).");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "secureapi.store.call.duration", "ms", "Store operation latency, the SDK's retries included.");

    public static void Called(string operation, bool succeeded, TimeSpan elapsed)
    {
        var op = new KeyValuePair<string, object?>("operation", operation);
        Calls.Add(1, op, new KeyValuePair<string, object?>("result", succeeded ? "ok" : "failed"));
        if (!succeeded) Failures.Add(1, op);
        Duration.Record(elapsed.TotalMilliseconds, op);
    }
}
