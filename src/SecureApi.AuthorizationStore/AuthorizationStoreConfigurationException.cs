namespace SecureApi.AuthorizationStore;

/// <summary>The "AuthorizationStore" settings are invalid; the message lists every problem (never a value).</summary>
public sealed class AuthorizationStoreConfigurationException(IReadOnlyList<string> errors)
    : Exception("Invalid AuthorizationStore settings: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
