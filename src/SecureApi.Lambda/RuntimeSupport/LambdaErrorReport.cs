using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>
/// The error JSON posted to /invocation/{id}/error and /init/error (docs/wire-contracts.md §1.3):
/// errorType (short type name), errorMessage, stackTrace (trimmed lines), cause, causes; capped at 256 KB.
/// </summary>
public sealed class LambdaErrorReport
{
    public const int MaxPayloadBytes = 256 * 1024;

    /// <summary>What RS sends instead of an oversized report.</summary>
    internal static readonly byte[] OversizedJson =
        """{"errorMessage":"Exception exceeded maximum payload size of 256KB."}"""u8.ToArray();

    // Inner-exception chains deeper than this are cut: the JSON writer's depth limit must never fail a report.
    private const int MaxCauseDepth = 16;
    private const int MaxCauses = 16;

    private LambdaErrorReport(string errorType, byte[] json)
    {
        ErrorType = errorType;
        Json = json;
    }

    /// <summary>The short exception type name, also sent as Lambda-Runtime-Function-Error-Type.</summary>
    public string ErrorType { get; }

    /// <summary>UTF-8 JSON body, at most <see cref="MaxPayloadBytes"/>.</summary>
    public byte[] Json { get; }

    public static LambdaErrorReport Create(Exception exception)
    {
        var info = Describe(exception, depth: 0);
        var json = JsonSerializer.SerializeToUtf8Bytes(info, RuntimeJsonContext.Default.ExceptionInfo);
        return new LambdaErrorReport(info.ErrorType, json.Length > MaxPayloadBytes ? OversizedJson : json);
    }

    private static ExceptionInfo Describe(Exception exception, int depth)
    {
        var next = depth + 1;
        var info = new ExceptionInfo
        {
            ErrorType = exception.GetType().Name,
            ErrorMessage = exception.Message,
            StackTrace = StackTraceLines(exception.StackTrace),
        };
        if (next >= MaxCauseDepth)
        {
            return info;
        }

        // An aggregate's InnerException is its first member: listing it under both cause and causes would
        // double the work at every nesting level, so aggregates report causes only.
        if (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            info.Causes = aggregate.InnerExceptions.Take(MaxCauses).Select(e => Describe(e, next)).ToArray();
        }
        else if (exception.InnerException is { } inner)
        {
            info.Cause = Describe(inner, next);
        }

        return info;
    }

    private static string[]? StackTraceLines(string? stackTrace)
    {
        if (string.IsNullOrWhiteSpace(stackTrace))
        {
            return null;
        }

        return stackTrace.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    internal sealed class ExceptionInfo
    {
        [JsonPropertyName("errorType")] public required string ErrorType { get; init; }
        [JsonPropertyName("errorMessage")] public string? ErrorMessage { get; init; }
        [JsonPropertyName("stackTrace")] public string[]? StackTrace { get; init; }
        [JsonPropertyName("cause")] public ExceptionInfo? Cause { get; set; }
        [JsonPropertyName("causes")] public ExceptionInfo[]? Causes { get; set; }
    }
}
