namespace SecureApi.Authorizers;

/// <summary>Thrown at start-up for bad or missing settings; the message lists every problem (never a secret).</summary>
public sealed class AuthorizerConfigurationException(string section, IReadOnlyList<string> errors)
    : Exception($"Invalid '{section}' configuration: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;

    /// <summary>Throws when <paramref name="errors"/> (an options class's Validate() result) is not empty.</summary>
    public static void ThrowIfAny(string section, IReadOnlyList<string> errors)
    {
        if (errors.Count > 0) throw new AuthorizerConfigurationException(section, errors);
    }
}
