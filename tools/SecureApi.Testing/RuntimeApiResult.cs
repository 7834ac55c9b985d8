namespace SecureApi.Testing;

/// <summary>The runtime's answer to one event: POST /invocation/{id}/response or /error.</summary>
public sealed record RuntimeApiResult(
    string RequestId,
    string Path,
    byte[] Body,
    string? ContentType,
    IReadOnlyDictionary<string, string> Headers,
    long ReceivedTimestamp)
{
    /// <summary>True when the runtime posted to /error instead of /response.</summary>
    public bool IsError => Path.EndsWith("/error", StringComparison.Ordinal);

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    /// <summary>Header value by case-insensitive name, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
