using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>
/// The error JSON posted to /invocation/{id}/error and /init/error (lambda-semantics §1.3):
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
        return new ExceptionInfo
        {
            ErrorType = exception.GetType().Name,
            ErrorMessage = exception.Message,
            StackTrace = StackTraceLines(exception.StackTrace),
            Cause = exception.InnerException is { } inner && next < MaxCauseDepth ? Describe(inner, next) : null,
            Causes = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate && next < MaxCauseDepth
                ? aggregate.InnerExceptions.Select(e => Describe(e, next)).ToArray()
                : null,
        };
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
        [JsonPropertyName("cause")] public ExceptionInfo? Cause { get; init; }
        [JsonPropertyName("causes")] public ExceptionInfo[]? Causes { get; init; }
    }
}
