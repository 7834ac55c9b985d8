namespace SecureApi.Gateway;

/// <summary>How API Gateway calls an authorizer: TOKEN (one header) or REQUEST (the whole request).</summary>
public enum AuthorizerType { Token, Request }

/// <summary>Where an identity source is read from, as in <c>method.request.header.X</c> / <c>method.request.querystring.x</c>.</summary>
public enum IdentitySourceLocation { Header, QueryString }

/// <summary>One identity source of an authorizer. Header names match case-insensitively, query names exactly.</summary>
public sealed record IdentitySource(IdentitySourceLocation Location, string Name)
{
    public static IdentitySource Header(string name) => new(IdentitySourceLocation.Header, name);
    public static IdentitySource Query(string name) => new(IdentitySourceLocation.QueryString, name);

    /// <summary>Parses the API Gateway spelling, e.g. <c>method.request.header.Authorization</c>.</summary>
    public static IdentitySource Parse(string expression)
    {
        const string header = "method.request.header.";
        const string query = "method.request.querystring.";
        if (expression.StartsWith(header, StringComparison.Ordinal)) return Header(expression[header.Length..]);
        if (expression.StartsWith(query, StringComparison.Ordinal)) return Query(expression[query.Length..]);
        throw new FormatException($"Unsupported identity source '{expression}'.");
    }

    public override string ToString() => Location == IdentitySourceLocation.Header
        ? "method.request.header." + Name
        : "method.request.querystring." + Name;
}

/// <summary>
/// A route the gateway protects with a Lambda authorizer, as serverless.template declares it.
/// <paramref name="ResultTtl"/> is authorizerResultTtlInSeconds: zero disables caching, and then (REQUEST only)
/// the identity sources become optional and the authorizer is always called.
/// </summary>
public sealed record GatewayRoute(
    string Method,
    string Path,
    string AuthorizerName,
    AuthorizerType Type,
    IReadOnlyList<IdentitySource> IdentitySources,
    TimeSpan ResultTtl)
{
    public bool CachingEnabled => ResultTtl > TimeSpan.Zero;

    /// <summary>
    /// Method and path match, ignoring case and a trailing slash. API Gateway itself is case-sensitive, but the
    /// app's routing is not: matching at least as broadly as the app keeps every path variant that would reach a
    /// protected endpoint behind its authorizer (the variant's methodArn then is not in the policy: 403).
    /// </summary>
    public bool Matches(string method, string path) =>
        string.Equals(Method, method, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(Path.TrimEnd('/'), path.Length > 1 ? path.TrimEnd('/') : path, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The protected routes of serverless.template (routes not listed here have Authorizer: NONE).</summary>
public static class GatewayRoutes
{
    public const string TokenAuthorizerName = "TokenAuthorizer";
    public const string RequestAuthorizerName = "RequestAuthorizer";

    public static IReadOnlyList<GatewayRoute> Default { get; } =
    [
        new("GET", "/protected", TokenAuthorizerName, AuthorizerType.Token,
            [IdentitySource.Header("Authorization")], TimeSpan.FromSeconds(300)),
        new("GET", "/protected/admin", RequestAuthorizerName, AuthorizerType.Request,
            [IdentitySource.Header("X-Custom-Auth"), IdentitySource.Query("api_key")], TimeSpan.Zero),
    ];

    public static GatewayRoute? Find(IEnumerable<GatewayRoute> routes, string method, string path)
    {
        foreach (var route in routes)
        {
            if (route.Matches(method, path)) return route;
        }
        return null;
    }
}
