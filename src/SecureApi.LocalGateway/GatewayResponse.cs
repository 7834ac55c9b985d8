using System.Text.Json;

namespace SecureApi.LocalGateway;

/// <summary>
/// A gateway response API Gateway sends instead of calling the integration (docs/wire-contracts.md §3.5): the
/// status, the headers and the body after <c>$context.requestId</c> and <c>$context.error.messageString</c> are
/// filled in. <see cref="ErrorType"/> is the <c>x-amzn-ErrorType</c> header API Gateway adds.
/// </summary>
public sealed record GatewayResponse(int StatusCode, string ErrorType, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public const string DefaultContentType = "application/json";

    public string ContentType => Headers.TryGetValue("Content-Type", out var type) ? type : DefaultContentType;
}

/// <summary>The gateway response types the stage can produce (the names serverless.template uses under GatewayResponses).</summary>
public static class GatewayResponseTypes
{
    public const string Unauthorized = "UNAUTHORIZED";
    public const string AccessDenied = "ACCESS_DENIED";
    public const string AuthorizerFailure = "AUTHORIZER_FAILURE";
    public const string AuthorizerConfigurationError = "AUTHORIZER_CONFIGURATION_ERROR";
    public const string MissingAuthenticationToken = "MISSING_AUTHENTICATION_TOKEN";
    public const string Default4xx = "DEFAULT_4XX";
    public const string Default5xx = "DEFAULT_5XX";
}

/// <summary>
/// One gateway response template: API Gateway's default for the type, or the template's override. An override
/// without a body or status keeps the default's (API Gateway merges them the same way).
/// </summary>
public sealed record GatewayResponseTemplate(int StatusCode, string BodyTemplate, IReadOnlyDictionary<string, string> Headers)
{
    public GatewayResponse Render(string errorType, string requestId, string message) => new(
        StatusCode,
        errorType,
        BodyTemplate
            .Replace("$context.requestId", requestId, StringComparison.Ordinal)
            .Replace("$context.error.messageString", JsonSerializer.Serialize(message, GatewayJsonContext.Default.String), StringComparison.Ordinal)
            .Replace("$context.error.message", message, StringComparison.Ordinal),
        Headers);
}

/// <summary>
/// The stage's gateway responses: API Gateway's defaults with serverless.template's <c>GatewayResponses</c> laid
/// over them (a type without its own entry falls back to DEFAULT_4XX/DEFAULT_5XX, then to the built-in default).
/// </summary>
public sealed class GatewayResponses
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    private static readonly Dictionary<string, (GatewayResponseTemplate Template, string ErrorType, string Message)> Defaults = new(StringComparer.Ordinal)
    {
        [GatewayResponseTypes.Unauthorized] = (new(401, """{"message":$context.error.messageString}""", NoHeaders), "UnauthorizedException", "Unauthorized"),
        [GatewayResponseTypes.AccessDenied] = (new(403, """{"message":$context.error.messageString}""", NoHeaders), "AccessDeniedException", ""),
        [GatewayResponseTypes.AuthorizerFailure] = (new(500, """{"message":null}""", NoHeaders), "AuthorizerFailureException", ""),
        [GatewayResponseTypes.AuthorizerConfigurationError] = (new(500, """{"message":null}""", NoHeaders), "AuthorizerConfigurationException", ""),
        [GatewayResponseTypes.MissingAuthenticationToken] = (new(403, """{"message":$context.error.messageString}""", NoHeaders), "MissingAuthenticationTokenException", "Missing Authentication Token"),
    };

    private readonly IReadOnlyDictionary<string, GatewayResponseTemplate> _overrides;

    public GatewayResponses(IReadOnlyDictionary<string, GatewayResponseTemplate> overrides) => _overrides = overrides;

    public static GatewayResponses ApiGatewayDefaults { get; } = new(new Dictionary<string, GatewayResponseTemplate>());

    public const string ExplicitDenyMessage = "User is not authorized to access this resource with an explicit deny";
    public const string ImplicitDenyMessage = "User is not authorized to access this resource";

    /// <summary>The response of <paramref name="type"/> for one request; <paramref name="message"/> overrides the default message.</summary>
    public GatewayResponse Create(string type, string requestId, string? message = null)
    {
        var (template, errorType, defaultMessage) = Defaults[type];
        var chosen = _overrides.GetValueOrDefault(type)
            ?? _overrides.GetValueOrDefault(template.StatusCode >= 500 ? GatewayResponseTypes.Default5xx : GatewayResponseTypes.Default4xx);
        if (chosen is not null)
        {
            template = new GatewayResponseTemplate(
                chosen.StatusCode == 0 ? template.StatusCode : chosen.StatusCode,
                string.IsNullOrEmpty(chosen.BodyTemplate) ? template.BodyTemplate : chosen.BodyTemplate,
                chosen.Headers);
        }
        return template.Render(errorType, requestId, message ?? defaultMessage);
    }
}
