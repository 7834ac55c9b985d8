namespace SecureApi.AuthorizerContract;

/// <summary>
/// A list (roles, permissions) in one authorizer context value: API Gateway only carries strings, numbers and
/// booleans, so the list is comma-separated. Values are exact: never trimmed, never case-folded; a value that
/// contains a comma cannot be carried and is left out rather than split into two.
/// </summary>
public static class ContextList
{
    public const char Separator = ',';

    public static string Join(IEnumerable<string> values)
    {
        // The usual context carries one role and one or two permissions: a single value is its own text.
        if (values is IReadOnlyList<string> { Count: <= 1 } few)
            return few.Count == 1 && !string.IsNullOrEmpty(few[0]) && !few[0].Contains(Separator) ? few[0] : "";
        var parts = new List<string>();
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value) && !value.Contains(Separator)) parts.Add(value);
        }
        return string.Join(Separator, parts);
    }

    public static string[] Split(string? value) =>
        string.IsNullOrEmpty(value) ? [] : value.Split(Separator, StringSplitOptions.RemoveEmptyEntries);
}
