using System.Text.RegularExpressions;

namespace SecureApi.LocalGateway;

/// <summary>How API Gateway calls an authorizer: TOKEN (one header) or REQUEST (the whole request).</summary>
public enum AuthorizerType { Token, Request }

/// <summary>Where an identity source is read from, as in <c>method.request.header.X</c> / <c>method.request.querystring.x</c>.</summary>
public enum IdentitySourceLocation { Header, QueryString }

/// <summary>One identity source of an authorizer. Header names match case-insensitively, query names exactly.</summary>
public sealed record IdentitySource(IdentitySourceLocation Location, string Name)
{
    public static IdentitySource Header(string name) => new(IdentitySourceLocation.Header, name);
    public static IdentitySource Query(string name) => new(IdentitySourceLocation.QueryString, name);

    public override string ToString() => Location == IdentitySourceLocation.Header
        ? "method.request.header." + Name
        : "method.request.querystring." + Name;
}

/// <summary>
/// A Lambda authorizer as serverless.template declares it under <c>Auth.Authorizers</c>.
/// <paramref name="ResultTtl"/> is <c>ReauthorizeEvery</c>: zero disables caching, and then (REQUEST only) the
/// identity sources become optional and the authorizer is always called. <paramref name="ValidationExpression"/>
/// (TOKEN only): a header value that does not match is refused with 401 before the authorizer is called.
/// </summary>
public sealed record AuthorizerDefinition(
    string Name,
    AuthorizerType Type,
    IReadOnlyList<IdentitySource> IdentitySources,
    TimeSpan ResultTtl,
    Regex? ValidationExpression = null)
{
    public bool CachingEnabled => ResultTtl > TimeSpan.Zero;
}

/// <summary>
/// A method of the REST API: an <c>Api</c> event of a function in serverless.template. <see cref="Resource"/> is the
/// template path (<c>/items/{id}</c>, <c>/{proxy+}</c>); <see cref="Method"/> is upper case or <c>ANY</c>.
/// <see cref="Authorizer"/> is null for <c>Authorizer: NONE</c>.
/// </summary>
public sealed class GatewayRoute
{
    private readonly string[] _segments;

    public GatewayRoute(string method, string resource, AuthorizerDefinition? authorizer)
    {
        Method = method.ToUpperInvariant();
        Resource = resource;
        Authorizer = authorizer;
        _segments = resource.Split('/', StringSplitOptions.RemoveEmptyEntries);
    }

    public string Method { get; }
    public string Resource { get; }
    public AuthorizerDefinition? Authorizer { get; }

    /// <summary>
    /// Matches a request the way API Gateway selects a resource: literal segments exactly (case-sensitive),
    /// <c>{name}</c> one segment, a final <c>{name+}</c> one or more; the method exactly or <c>ANY</c>.
    /// Fills <paramref name="pathParameters"/> on a match. A trailing slash is ignored, as API Gateway does.
    /// </summary>
    public bool TryMatch(string method, string path, out Dictionary<string, string>? pathParameters)
    {
        pathParameters = null;
        if (Method != "ANY" && !string.Equals(Method, method, StringComparison.Ordinal)) return false;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < _segments.Length; i++)
        {
            var segment = _segments[i];
            if (IsGreedy(segment))
            {
                if (i >= parts.Length) return false;
                (pathParameters ??= new(StringComparer.Ordinal))[segment[1..^2]] = string.Join('/', parts[i..]);
                return true;
            }
            if (i >= parts.Length) return false;
            if (IsParameter(segment)) (pathParameters ??= new(StringComparer.Ordinal))[segment[1..^1]] = Uri.UnescapeDataString(parts[i]);
            else if (!string.Equals(segment, parts[i], StringComparison.Ordinal)) return false;
        }
        return parts.Length == _segments.Length;
    }

    /// <summary>Literal routes win over parameter routes, and both over greedy ones (API Gateway's precedence).</summary>
    internal int Specificity => _segments.Sum(s => IsGreedy(s) ? 0 : IsParameter(s) ? 1 : 2) * 2 + (Method == "ANY" ? 0 : 1);

    private static bool IsParameter(string segment) => segment.Length > 2 && segment[0] == '{' && segment[^1] == '}';
    private static bool IsGreedy(string segment) => IsParameter(segment) && segment[^2] == '+';

    public override string ToString() => $"{Method} {Resource}";
}
