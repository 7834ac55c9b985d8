using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace SecureApi.Lambda.Metrics;

/// <summary>
/// Collects what our <c>secureapi.*</c> meters record (counters summed, histograms kept value by value) and writes it
/// as Embedded Metric Format lines on <see cref="Flush"/> — once per invocation, by the runtime loop — then starts
/// over. One EMF document per distinct set of tags; a tag set that would exceed <see cref="MaxSeries"/> is dropped, so
/// a mistaken high-cardinality tag costs a gap in a chart, never memory. Thread-safe: background work (a cache
/// refresh) may record while an invocation runs.
/// </summary>
public sealed class EmbeddedMetricsListener : IDisposable
{
    public const string Namespace = "SecureApi";
    public const string MeterPrefix = "secureapi.";
    public const int MaxSeries = 200;

    private readonly MeterListener _listener = new();
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);

    public EmbeddedMetricsListener(TextWriter output, TimeProvider? time = null)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _time = time ?? TimeProvider.System;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal) && IsAggregated(instrument))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    private static bool IsCounter(Instrument instrument) => instrument is Counter<long> or Counter<int> or Counter<double>;

    private static bool IsAggregated(Instrument instrument) =>
        IsCounter(instrument) || instrument is Histogram<long> or Histogram<int> or Histogram<double>;

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dimensions = Dimensions(tags);
        var key = SeriesKey(instrument.Name, dimensions);
        lock (_gate)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                if (_series.Count >= MaxSeries) return;
                _series[key] = series = new Series(instrument.Name, EmbeddedMetricFormat.CloudWatchUnit(instrument.Unit),
                    IsCounter(instrument), dimensions);
            }
            series.Add(value);
        }
    }

    /// <summary>Writes what was recorded since the last flush (nothing when nothing was) and clears it.</summary>
    public void Flush()
    {
        List<Series> recorded;
        lock (_gate)
        {
            if (_series.Count == 0) return;
            recorded = [.. _series.Values];
            _series.Clear();
        }
        var timestamp = _time.GetUtcNow();
        foreach (var group in recorded.GroupBy(s => SeriesKey("", s.Dimensions), StringComparer.Ordinal))
        {
            var dimensions = group.First().Dimensions;
            var metrics = new List<EmfMetric>();
            var overflow = new List<EmfMetric>();
            foreach (var series in group)
            {
                // A distribution of more than 100 values goes out in further documents of 100 (EMF's limit).
                var chunks = series.Values.Chunk(EmbeddedMetricFormat.MaxValuesPerMetric).Select(c => new EmfMetric(series.Name, series.Unit, c)).ToList();
                metrics.Add(chunks[0]);
                overflow.AddRange(chunks.Skip(1));
            }
            foreach (var batch in metrics.Chunk(EmbeddedMetricFormat.MaxValuesPerMetric))
                _output.WriteLine(EmbeddedMetricFormat.Document(Namespace, timestamp, dimensions, batch));
            foreach (var metric in overflow)
                _output.WriteLine(EmbeddedMetricFormat.Document(Namespace, timestamp, dimensions, [metric]));
        }
        _output.Flush();
    }

    private static KeyValuePair<string, string>[] Dimensions(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty) return [];
        var dimensions = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            var text = tags[i].Value switch
            {
                string s => s,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var other => other?.ToString(),
            };
            dimensions[i] = new(tags[i].Key, string.IsNullOrEmpty(text) ? "none" : text); // CloudWatch refuses empty values
        }
        Array.Sort(dimensions, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return dimensions;
    }

    private static string SeriesKey(string name, KeyValuePair<string, string>[] dimensions)
    {
        var key = new StringBuilder(name);
        foreach (var (k, v) in dimensions) key.Append('\u001f').Append(k).Append('=').Append(v);
        return key.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Series(string name, string unit, bool isCounter, KeyValuePair<string, string>[] dimensions)
    {
        private readonly List<double> _values = [];

        public string Name => name;
        public string Unit => unit;
        public KeyValuePair<string, string>[] Dimensions => dimensions;
        public IReadOnlyList<double> Values => _values;

        public void Add(double value)
        {
            if (isCounter && _values.Count == 1) _values[0] += value; // a counter is one sum per flush
            else _values.Add(value);
        }
    }
}
