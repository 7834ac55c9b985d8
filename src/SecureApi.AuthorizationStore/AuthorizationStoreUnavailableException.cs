namespace SecureApi.AuthorizationStore;

/// <summary>
/// The store could not answer: timeout, network, throttling, missing table, any SDK error. The one failure type
/// callers catch to fail closed (401 from an authorizer, 503 from the API) — never treat it as "not found".
/// The message names the operation and an error code only: never a key, hash or item.
/// </summary>
public sealed class AuthorizationStoreUnavailableException : Exception
{
    public AuthorizationStoreUnavailableException(string message) : base(message) { }
    public AuthorizationStoreUnavailableException(string message, Exception inner) : base(message, inner) { }
}
