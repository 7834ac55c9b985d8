using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace SecureApi.Authorizers;

/// <summary>
/// Reading claim values out of a validated token. Values are exact: a string is one value and array elements are
/// taken whole (non-string elements are ignored); only a "scope" string and an "scp" string are split, on spaces
/// (OAuth's scope syntax). A value containing the context separator (a comma) cannot be carried in the context and
/// is left out here too, so the policy and the context agree; it is never split into parts.
/// </summary>
internal static class TokenClaims
{
    /// <summary>Values of the named claims, deduplicated, in order; <paramref name="firstOnly"/>: the first claim that gives any.</summary>
    public static List<string> Values(JsonWebToken token, IReadOnlyList<string> claimNames, bool firstOnly)
    {
        var values = new List<string>();
        foreach (var name in claimNames)
        {
            var before = values.Count;
            // Read just the named claims from the payload (no Claim objects for the whole token).
            if (!token.TryGetPayloadValue<object>(name, out var value) || value is null) continue;
            AddValue(values, value, split: name is "scope" or "scp");
            if (firstOnly && values.Count > before) break;
        }
        return values;
    }

    /// <summary>A claim value (string, JSON array or list of strings) added to <paramref name="values"/>.</summary>
    public static void AddValue(List<string> values, object value, bool split)
    {
        if (value is string text)
        {
            if (split)
                foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries)) Add(values, part);
            else Add(values, text);
        }
        else if (value is JsonElement element) AddElement(values, element);
        else if (value is System.Collections.IList items)
        {
            foreach (var item in items)
                if (item is string s) Add(values, s);
        }
    }

    /// <summary>The string elements of a JSON array (or a JSON string) added whole.</summary>
    public static void AddElement(List<string> values, JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String) Add(values, element.GetString()!);
        else if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray())
                if (item.ValueKind == JsonValueKind.String) Add(values, item.GetString()!);
    }

    /// <summary>The named claim as a JSON object, or default when it is absent or not an object.</summary>
    public static JsonElement Object(JsonWebToken token, string name) =>
        token.TryGetPayloadValue<object>(name, out var value) && value is JsonElement { ValueKind: JsonValueKind.Object } element
            ? element : default;

    /// <summary>The named claim when it is a JSON string.</summary>
    public static string? String(JsonWebToken token, string name) =>
        token.TryGetPayloadValue<object>(name, out var value) && value is string text ? text : null;

    /// <summary>The named claim when it is JSON true (never the string "true").</summary>
    public static bool IsTrue(JsonWebToken token, string name) =>
        token.TryGetPayloadValue<object>(name, out var value) && value is true;

    public static bool Has(JsonWebToken token, string name) => token.TryGetPayloadValue<object>(name, out var value) && value is not null;

    private static void Add(List<string> values, string value)
    {
        if (value.Length == 0 || value.Contains(ContextList.Separator)) return;
        if (!values.Contains(value, StringComparer.Ordinal)) values.Add(value);
    }
}
