namespace SecureApi.AuthorizerContract;

/// <summary>The HTTP methods a route rule or a route limit may name: one verb each (API Gateway's ANY is not a rule's verb).</summary>
public static class KnownVerbs
{
    public static IReadOnlyList<string> All { get; } = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    public static bool Contains(string? verb)
    {
        foreach (var known in All)
            if (string.Equals(known, verb, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>"GET, PUT, …" for a message that says what is allowed.</summary>
    public static string List { get; } = string.Join(", ", All);
}
