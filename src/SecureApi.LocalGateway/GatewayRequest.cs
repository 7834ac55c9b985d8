namespace SecureApi.LocalGateway;

/// <summary>
/// An incoming client request as the gateway sees it, independent of any web host. Path is the resource path
/// without the stage (e.g. <c>/protected</c>). <paramref name="SourceIp"/> is the TCP peer address, never a header.
/// </summary>
public sealed record GatewayRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Headers,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Query,
    string SourceIp,
    string RequestId)
{
    /// <summary>Builds a request with case-insensitive header lookup and ordinal query lookup.</summary>
    public static GatewayRequest Create(
        string method, string path,
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        IEnumerable<KeyValuePair<string, string>>? query = null,
        string sourceIp = "127.0.0.1",
        string? requestId = null)
    {
        return new GatewayRequest(method, path, Group(headers, StringComparer.OrdinalIgnoreCase),
            Group(query, StringComparer.Ordinal), sourceIp, requestId ?? Guid.NewGuid().ToString());
    }

    public string? HeaderValue(string name) =>
        Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    public string? QueryValue(string name) =>
        Query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    private static Dictionary<string, IReadOnlyList<string>> Group(
        IEnumerable<KeyValuePair<string, string>>? pairs, StringComparer comparer)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(comparer);
        foreach (var (key, value) in pairs ?? [])
        {
            if (result.TryGetValue(key, out var existing)) result[key] = [.. existing, value];
            else result[key] = [value];
        }
        return result;
    }
}
