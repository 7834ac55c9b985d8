using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SecureApi.AuthorizationStore;

/// <summary>Manual, reflection-free reads of scalar settings; parse problems become messages naming the setting.</summary>
internal sealed class ConfigReader(IConfiguration section, string sectionName, List<string> errors)
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

    public bool Bool(string key, bool fallback)
    {
        var raw = String(key);
        if (raw is null) return fallback;
        if (bool.TryParse(raw, out var value)) return value;
        errors.Add($"{sectionName}__{key} must be true or false.");
        return fallback;
    }
}
