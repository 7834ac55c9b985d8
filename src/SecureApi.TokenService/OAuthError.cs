namespace SecureApi.TokenService;

/// <summary>
/// An RFC 6749 §5.2 error: the code and a description written here (never text from the request: the description
/// must not repeat the assertion or anything in it).
/// </summary>
public sealed class OAuthErrorException(string error, string description) : Exception(description)
{
    public string Error { get; } = error;
    public string Description { get; } = description;

    public static OAuthErrorException InvalidGrant(string description) => new(OAuthErrors.InvalidGrant, description);
    public static OAuthErrorException InvalidRequest(string description) => new(OAuthErrors.InvalidRequest, description);
}

public static class OAuthErrors
{
    public const string InvalidGrant = "invalid_grant";
    public const string InvalidRequest = "invalid_request";
    public const string UnsupportedGrantType = "unsupported_grant_type";
    public const string InvalidScope = "invalid_scope";
}
