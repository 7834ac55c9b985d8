using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SecureApi.Testing;

/// <summary>One measurement of a <c>secureapi.*</c> instrument: its name, value and tags (as strings).</summary>
public sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags);

/// <summary>
/// Records what the <c>secureapi.*</c> meters measure while it lives. Instruments are static, so measurements from
/// tests running in parallel land here too: assert on tags this test alone produces, or with Contains.
/// </summary>
public sealed class RecordedMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();

    public RecordedMeasurements()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("secureapi.", StringComparison.Ordinal)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public IReadOnlyList<RecordedMeasurement> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, tag) in tags) copy[key] = tag?.ToString();
        _measurements.Enqueue(new RecordedMeasurement(instrument.Name, value, copy));
    }

    public void Dispose() => _listener.Dispose();
}
