namespace SecureApi.Gateway;

/// <summary>
/// Identity of the emulated stage (config section "Gateway"). The methodArn the authorizers see is
/// <c>arn:aws:execute-api:{Region}:{AccountId}:{ApiId}/{Stage}/{VERB}/{path}</c>.
/// Defaults describe a local stage that no real AWS account can own.
/// </summary>
public sealed class GatewayStageOptions
{
    public const string SectionName = "Gateway";

    public string Region { get; set; } = "local";
    public string AccountId { get; set; } = "000000000000";
    public string ApiId { get; set; } = "local";
    public string Stage { get; set; } = "prod";

    /// <summary>An authorizer that takes longer fails closed (401, see GatewayResponse.AuthorizerFailure), like a timed-out authorizer Lambda.</summary>
    public TimeSpan AuthorizerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsValid() =>
        IsToken(Region) && IsToken(ApiId) && IsToken(Stage) &&
        AccountId is { Length: 12 } && AccountId.All(char.IsAsciiDigit) &&
        AuthorizerTimeout > TimeSpan.Zero && AuthorizerTimeout <= TimeSpan.FromSeconds(30);

    private static bool IsToken(string? value) =>
        !string.IsNullOrEmpty(value) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public string MethodArn(string method, string path) =>
        $"arn:aws:execute-api:{Region}:{AccountId}:{ApiId}/{Stage}/{method.ToUpperInvariant()}/{path.TrimStart('/')}";
}
