using System.Text;
using System.Text.Json;

namespace SecureApi.Lambda.Metrics;

/// <summary>One metric of an EMF document: its name, CloudWatch unit and the values recorded (at most 100).</summary>
public sealed record EmfMetric(string Name, string Unit, IReadOnlyList<double> Values);

/// <summary>
/// Writes CloudWatch Embedded Metric Format documents (one JSON line each): the root carries the dimension values
/// and each metric's value (a number, or an array of up to 100 numbers for a distribution), and
/// <c>_aws = { Timestamp, CloudWatchMetrics: [{ Namespace, Dimensions: [[keys…]], Metrics: [{ Name, Unit }] }] }</c>
/// says which of them are metrics and dimensions. CloudWatch Logs extracts the metrics; nothing goes over the network.
/// See docs/metrics.md.
/// </summary>
public static class EmbeddedMetricFormat
{
    /// <summary>EMF's limit on values per metric in one document (and on metrics per document).</summary>
    public const int MaxValuesPerMetric = 100;

    public static string Document(
        string metricNamespace, DateTimeOffset timestamp, IReadOnlyList<KeyValuePair<string, string>> dimensions, IReadOnlyList<EmfMetric> metrics)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metricNamespace);
        if (metrics.Count is 0 or > MaxValuesPerMetric) throw new ArgumentOutOfRangeException(nameof(metrics), "An EMF document holds 1 to 100 metrics.");
        using var buffer = new MemoryStream(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", timestamp.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", metricNamespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            foreach (var (key, _) in dimensions) json.WriteStringValue(key);
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var metric in metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", metric.Name);
                json.WriteString("Unit", metric.Unit);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            foreach (var (key, value) in dimensions) json.WriteString(key, value);
            foreach (var metric in metrics) WriteValues(json, metric);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteValues(Utf8JsonWriter json, EmfMetric metric)
    {
        if (metric.Values.Count is 0 or > MaxValuesPerMetric)
            throw new ArgumentOutOfRangeException(nameof(metric), $"Metric {metric.Name} has {metric.Values.Count} values; EMF takes 1 to 100.");
        if (metric.Values.Count == 1)
        {
            json.WriteNumber(metric.Name, metric.Values[0]);
            return;
        }
        json.WriteStartArray(metric.Name);
        foreach (var value in metric.Values) json.WriteNumberValue(value);
        json.WriteEndArray();
    }

    /// <summary>The CloudWatch unit for an instrument's UCUM unit: ms, s, By; anything else (1, {decision}…) counts.</summary>
    public static string CloudWatchUnit(string? unit) => unit switch
    {
        "ms" => "Milliseconds",
        "s" => "Seconds",
        "us" => "Microseconds",
        "By" => "Bytes",
        _ => "Count",
    };
}
