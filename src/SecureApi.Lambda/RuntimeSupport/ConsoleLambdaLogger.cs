using SecureApi.Lambda.Core;

namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>Writes to stdout, which Lambda ships to CloudWatch Logs (one log event per line).</summary>
public sealed class ConsoleLambdaLogger : ILambdaLogger
{
    public static ConsoleLambdaLogger Instance { get; } = new();

    public void Log(string message) => Console.Out.Write(message);
    public void LogLine(string message) => Console.Out.WriteLine(message);

    /// <summary>The runtime's own diagnostics: one line, newlines flattened so CloudWatch keeps it one event.</summary>
    internal static void RuntimeLine(string level, string message)
        => Console.Out.WriteLine($"[{level}] {message.ReplaceLineEndings(" ")}");
}
