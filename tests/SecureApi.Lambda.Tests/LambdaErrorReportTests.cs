using System.Text;
using System.Text.Json;
using SecureApi.Lambda.RuntimeSupport;

namespace SecureApi.Lambda.Tests;

public sealed class LambdaErrorReportTests
{
    [Fact]
    public void Report_has_short_type_name_message_and_trimmed_stack_lines()
    {
        var report = LambdaErrorReport.Create(Thrown(() => throw new ArgumentException("bad \"input\"\nsecond line")));

        using var json = JsonDocument.Parse(report.Json);
        var root = json.RootElement;
        Assert.Equal("ArgumentException", report.ErrorType);
        Assert.Equal("ArgumentException", root.GetProperty("errorType").GetString());
        Assert.Equal("bad \"input\"\nsecond line", root.GetProperty("errorMessage").GetString());
        var lines = root.GetProperty("stackTrace").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.False(string.IsNullOrWhiteSpace(line) || line != line.Trim()));
        Assert.StartsWith("at ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_are_written_in_the_official_order_and_missing_stack_trace_is_omitted()
    {
        var report = LambdaErrorReport.Create(new TimeoutException("never thrown"));

        Assert.Equal("""{"errorType":"TimeoutException","errorMessage":"never thrown"}""", Encoding.UTF8.GetString(report.Json));
    }

    [Fact]
    public void Inner_exceptions_become_cause_and_aggregate_members_become_causes()
    {
        var aggregate = new AggregateException("many", new InvalidOperationException("a"), new FormatException("b"));
        var report = LambdaErrorReport.Create(new HttpRequestException("outer", new IOException("inner", aggregate)));

        using var json = JsonDocument.Parse(report.Json);
        var cause = json.RootElement.GetProperty("cause");
        Assert.Equal("IOException", cause.GetProperty("errorType").GetString());
        var causes = cause.GetProperty("cause").GetProperty("causes").EnumerateArray()
            .Select(c => c.GetProperty("errorType").GetString()!).ToArray();
        Assert.Equal(new[] { "InvalidOperationException", "FormatException" }, causes);
    }

    [Fact]
    public void Very_deep_inner_exception_chains_still_produce_a_report()
    {
        Exception exception = new FormatException("root");
        for (var i = 0; i < 200; i++)
        {
            exception = i % 2 == 0
                ? new InvalidOperationException($"level {i}", exception)
                : new AggregateException([exception, new TimeoutException("sibling")]);
        }

        var report = LambdaErrorReport.Create(exception);

        using var json = JsonDocument.Parse(report.Json);
        Assert.Equal("AggregateException", json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("causes").GetArrayLength());
    }

    [Fact]
    public void Report_over_256_KB_is_replaced_by_the_fixed_oversize_message()
    {
        var report = LambdaErrorReport.Create(new InvalidOperationException(new string('x', 300 * 1024)));

        Assert.Equal("""{"errorMessage":"Exception exceeded maximum payload size of 256KB."}""", Encoding.UTF8.GetString(report.Json));
        Assert.Equal("InvalidOperationException", report.ErrorType);
    }

    [Fact]
    public void Report_just_under_256_KB_is_kept_whole()
    {
        var report = LambdaErrorReport.Create(new InvalidOperationException(new string('x', 250 * 1024)));

        Assert.InRange(report.Json.Length, 250 * 1024, LambdaErrorReport.MaxPayloadBytes);
        using var json = JsonDocument.Parse(report.Json);
        Assert.Equal(250 * 1024, json.RootElement.GetProperty("errorMessage").GetString()!.Length);
    }

    private static Exception Thrown(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            return ex;
        }

        throw new InvalidOperationException("did not throw");
    }
}
