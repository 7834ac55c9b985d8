namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>
/// The Runtime API answered with a status the runtime cannot continue from (docs/wire-contracts.md §1.4).
/// It escapes <see cref="LambdaBootstrap.RunAsync"/>: the process should exit so Lambda records
/// Runtime.ExitError and starts a fresh environment.
/// </summary>
public sealed class RuntimeApiException(string endpoint, int statusCode, string detail)
    : Exception($"Lambda Runtime API {endpoint} answered HTTP {statusCode}: {detail}")
{
    public string Endpoint { get; } = endpoint;
    public int StatusCode { get; } = statusCode;
}
