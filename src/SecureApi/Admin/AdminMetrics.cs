using System.Diagnostics.Metrics;
using SecureApi.AuthorizationStore;

namespace SecureApi.Admin;

/// <summary>The admin API's instrument (meter <c>secureapi.admin</c>); docs/metrics.md.</summary>
internal static class AdminMetrics
{
    public const string MeterName = "secureapi.admin";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Changes = Meter.CreateCounter<long>(
        "secureapi.admin.changes", "{change}", "Changes made through the admin API, by kind (the audit record's action).");

    /// <param name="kind">An <see cref="AuditActions"/> constant: the same word the audit trail uses.</param>
    public static void Changed(string kind) => Changes.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
