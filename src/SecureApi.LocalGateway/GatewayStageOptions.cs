namespace SecureApi.LocalGateway;

/// <summary>
/// The local stage (config section "Gateway"). The methodArn the authorizers see is
/// <c>arn:aws:execute-api:{Region}:{AccountId}:{ApiId}/{Stage}/{VERB}/{path}</c>; the defaults describe a stage
/// that no real AWS account can own.
/// </summary>
public sealed class GatewayStageOptions
{
    public const string SectionName = "Gateway";

    public string Region { get; set; } = "local";
    public string AccountId { get; set; } = "000000000000";
    public string ApiId { get; set; } = "local";

    /// <summary>The stage name in methodArns and paths; default: the template's StageName.</summary>
    public string? Stage { get; set; }

    /// <summary>The SAM template the stage plays. Default: the nearest serverless.template at or above the content root.</summary>
    public string? TemplatePath { get; set; }

    /// <summary>
    /// Path prefixes the app serves locally that the template does not declare (the OpenAPI document, Scalar, the
    /// developer console): passed to the app without an authorizer. Every other undeclared path gets
    /// MISSING_AUTHENTICATION_TOKEN, as deployed.
    /// </summary>
    public List<string> LocalOnlyPaths { get; set; } = ["/openapi/", "/scalar", "/_console/"];

    /// <summary>Host header values the stage answers (host filtering, against DNS rebinding). Default: localhost names only.</summary>
    public List<string> AllowedHosts { get; set; } = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>An authorizer that takes longer fails closed (AUTHORIZER_FAILURE), like a timed-out authorizer Lambda.</summary>
    public TimeSpan AuthorizerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsValid() =>
        IsToken(Region) && IsToken(ApiId) && (Stage is null || IsToken(Stage)) &&
        AccountId is { Length: 12 } && AccountId.All(char.IsAsciiDigit) &&
        AuthorizerTimeout > TimeSpan.Zero && AuthorizerTimeout <= TimeSpan.FromSeconds(30) &&
        LocalOnlyPaths.All(p => p.StartsWith('/') && p.Length > 1) && AllowedHosts.Count > 0;

    private static bool IsToken(string? value) =>
        !string.IsNullOrEmpty(value) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public bool IsLocalOnly(string path) => LocalOnlyPaths.Any(p => path.StartsWith(p, StringComparison.Ordinal));

    public string MethodArn(string stage, string method, string path) =>
        $"arn:aws:execute-api:{Region}:{AccountId}:{ApiId}/{stage}/{method.ToUpperInvariant()}/{path.TrimStart('/')}";
}
