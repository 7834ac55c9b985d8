using System.Diagnostics.Metrics;
using System.Text.Json;
using SecureApi.Lambda.Metrics;
using SecureApi.Testing;

namespace SecureApi.Lambda.Tests;

public sealed class EmbeddedMetricFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 4, 0, 0, 250, TimeSpan.Zero);

    [Fact]
    public void Document_carries_the_EMF_envelope_its_dimension_values_and_metric_values_at_the_root()
    {
        var line = EmbeddedMetricFormat.Document("SecureApi", At,
            [new("authorizer", "token"), new("reason", "expired")],
            [new EmfMetric("secureapi.authorizer.decisions", "Count", [3])]);

        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var aws = root.GetProperty("_aws");
        Assert.Equal(At.ToUnixTimeMilliseconds(), aws.GetProperty("Timestamp").GetInt64());
        var directive = Assert.Single(aws.GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Equal("SecureApi", directive.GetProperty("Namespace").GetString());
        var dimensionSet = Assert.Single(directive.GetProperty("Dimensions").EnumerateArray());
        Assert.Equal(["authorizer", "reason"], dimensionSet.EnumerateArray().Select(d => d.GetString()));
        var metric = Assert.Single(directive.GetProperty("Metrics").EnumerateArray());
        Assert.Equal(("secureapi.authorizer.decisions", "Count"), (metric.GetProperty("Name").GetString(), metric.GetProperty("Unit").GetString()));
        Assert.Equal(("token", "expired", 3), (root.GetProperty("authorizer").GetString(), root.GetProperty("reason").GetString(),
            root.GetProperty("secureapi.authorizer.decisions").GetInt32()));
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void Document_writes_a_distribution_as_an_array_of_its_values()
    {
        var line = EmbeddedMetricFormat.Document("SecureApi", At, [], [new EmfMetric("secureapi.x.duration", "Milliseconds", [1.5, 20])]);

        using var doc = JsonDocument.Parse(line);
        Assert.Equal([1.5, 20], doc.RootElement.GetProperty("secureapi.x.duration").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Empty(doc.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions")[0].EnumerateArray());
    }

    [Fact]
    public void Document_refuses_more_values_than_EMF_accepts_for_one_metric()
    {
        var values = Enumerable.Repeat(1.0, EmbeddedMetricFormat.MaxValuesPerMetric + 1).ToArray();

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            EmbeddedMetricFormat.Document("SecureApi", At, [], [new EmfMetric("secureapi.x", "Count", values)]));
    }

    [Theory]
    [InlineData("ms", "Milliseconds")]
    [InlineData("s", "Seconds")]
    [InlineData("{decision}", "Count")]
    [InlineData(null, "Count")]
    public void Instrument_units_map_to_CloudWatch_units(string? unit, string expected) =>
        Assert.Equal(expected, EmbeddedMetricFormat.CloudWatchUnit(unit));
}

public sealed class EmbeddedMetricsListenerTests
{
    private readonly StringWriter _output = new();
    private readonly Meter _meter = new("secureapi.test." + Guid.NewGuid().ToString("N"));

    private List<JsonElement> Lines(string metricName) =>
        [.. _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty(metricName, out _))];

    [Fact]
    public void Counter_adds_are_summed_per_tag_set_and_written_once_per_flush()
    {
        var name = _meter.Name + ".decisions";
        var counter = _meter.CreateCounter<long>(name, "{decision}");
        using var listener = new EmbeddedMetricsListener(_output, new ManualClock(new DateTimeOffset(2026, 12, 7, 4, 0, 0, TimeSpan.Zero)));

        counter.Add(1, new("outcome", "allow"), new("authorizer", "token"));
        counter.Add(1, new("authorizer", "token"), new("outcome", "allow"));   // same set, other order
        counter.Add(1, new("authorizer", "token"), new("outcome", "deny"));
        listener.Flush();
        listener.Flush();                                                       // nothing new: nothing written

        var lines = Lines(name);
        Assert.Equal(2, lines.Count);
        var allow = lines.Single(l => l.GetProperty("outcome").GetString() == "allow");
        Assert.Equal(2, allow.GetProperty(name).GetInt32());
        Assert.Equal(["authorizer", "outcome"],
            allow.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(1, lines.Single(l => l.GetProperty("outcome").GetString() == "deny").GetProperty(name).GetInt32());
    }

    [Fact]
    public void Histogram_values_are_kept_one_by_one_and_split_into_documents_of_at_most_100()
    {
        var name = _meter.Name + ".duration";
        var histogram = _meter.CreateHistogram<double>(name, "ms");
        using var listener = new EmbeddedMetricsListener(_output);

        for (var i = 0; i < 150; i++) histogram.Record(i);
        listener.Flush();

        var lines = Lines(name);
        Assert.Equal([100, 50], lines.Select(l => l.GetProperty(name).GetArrayLength()).Order().Reverse());
        Assert.Equal(Enumerable.Range(0, 150).Select(i => (double)i),
            lines.SelectMany(l => l.GetProperty(name).EnumerateArray().Select(v => v.GetDouble())).Order());
        Assert.All(lines, l => Assert.Equal("Milliseconds", l.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics")[0].GetProperty("Unit").GetString()));
    }

    [Fact]
    public void Measurements_recorded_before_the_listener_started_or_on_other_meters_are_not_written()
    {
        var name = _meter.Name + ".early";
        var counter = _meter.CreateCounter<int>(name);
        counter.Add(5);
        using var other = new Meter("Other.Component");
        var foreign = other.CreateCounter<int>("other.count");
        using var listener = new EmbeddedMetricsListener(_output);

        foreign.Add(1);
        listener.Flush();

        Assert.Empty(Lines(name));
        Assert.DoesNotContain("other.count", _output.ToString());
    }

    [Fact]
    public void Tag_sets_beyond_the_series_limit_are_dropped_instead_of_growing_memory()
    {
        var name = _meter.Name + ".wide";
        var counter = _meter.CreateCounter<long>(name);
        using var listener = new EmbeddedMetricsListener(_output);

        for (var i = 0; i < EmbeddedMetricsListener.MaxSeries + 50; i++) counter.Add(1, new KeyValuePair<string, object?>("n", i));
        listener.Flush();

        Assert.True(Lines(name).Count <= EmbeddedMetricsListener.MaxSeries);
    }
}
