namespace SecureApi.Authorizers;

/// <summary>Thrown at start-up for bad or missing settings; the message lists every problem (never a secret).</summary>
public sealed class AuthorizerConfigurationException(string section, IReadOnlyList<string> errors)
    : Exception($"Invalid '{section}' configuration: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
