namespace SecureApi.AuthorizerContract;

/// <summary>
/// The id rule of the authorization store — principal ids, and the store's other ids (key ids, role and permission
/// names) alike: 1–<see cref="MaxLength"/> characters of any script, no control characters, no white space at either
/// end. Any script because a principal id is often an IdP's <c>sub</c>. The store refuses anything else, so every
/// reader (authorizers, the API's route check, the admin API) applies the same rule before it asks.
/// </summary>
public static class PrincipalIds
{
    public const int MaxLength = 128;

    public static bool IsValid(string? value)
    {
        // Loops, not LINQ: this runs on every decision and every cached lookup.
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
            return false;
        foreach (var c in value)
            if (char.IsControl(c)) return false;
        return true;
    }

    /// <summary>The rule as a message naming <paramref name="field"/> (never the value: it might be a pasted secret).</summary>
    public static string Rule(string field) =>
        $"{field} must be 1-{MaxLength} characters without control characters or surrounding spaces.";
}
