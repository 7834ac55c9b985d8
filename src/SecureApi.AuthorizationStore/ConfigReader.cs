using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SecureApi.AuthorizationStore;

/// <summary>
/// Manual, reflection-free reads of settings (the Native AOT functions have no configuration binder); parse problems
/// become messages naming the setting as its environment variable. Shared by the store's and the authorizers' options.
/// </summary>
public sealed class ConfigReader(IConfiguration section, string sectionName, List<string> errors)
{
    public string? String(string key)
    {
        var value = section[key];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public int Int(string key, int fallback)
    {
        var raw = String(key);
        if (raw is null) return fallback;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add($"{sectionName}__{key} must be a non-negative whole number.");
        return fallback;
    }

    /// <summary>Null when the setting is absent; else as <see cref="Int"/>.</summary>
    public int? IntOrNull(string key) => String(key) is null ? null : Int(key, 0);

    public bool Bool(string key, bool fallback)
    {
        var raw = String(key);
        if (raw is null) return fallback;
        if (bool.TryParse(raw, out var value)) return value;
        errors.Add($"{sectionName}__{key} must be true or false.");
        return fallback;
    }

    /// <summary>A comma-separated list (blank entries dropped); also accepts a configuration array.</summary>
    public List<string>? List(string key)
    {
        var raw = String(key);
        if (raw is not null) return Split(raw);
        var children = new List<string>();
        foreach (var child in section.GetSection(key).GetChildren())
            if (!string.IsNullOrWhiteSpace(child.Value)) children.Add(child.Value.Trim());
        return children.Count > 0 ? children : null;
    }

    public static List<string> Split(string raw) =>
        raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
