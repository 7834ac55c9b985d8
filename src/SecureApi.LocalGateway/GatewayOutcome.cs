using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.LocalGateway;

/// <summary>
/// The gateway's verdict on one request: either a gateway response to send the client (the backend is not
/// called), or pass to the integration with <see cref="Authorizer"/> as <c>requestContext.authorizer</c>
/// (null on routes without an authorizer).
/// </summary>
public sealed record GatewayOutcome
{
    public GatewayResponse? Rejection { get; private init; }
    public GatewayRoute? Route { get; private init; }
    public Dictionary<string, string>? PathParameters { get; private init; }
    public APIGatewayCustomAuthorizerContext? Authorizer { get; private init; }

    /// <summary>Why: "public", "local-only", "no-such-resource", "cache-hit", "allow", "missing-identity-source",
    /// "validation-expression", "unauthorized", "explicit-deny", "implicit-deny", "authorizer-failure",
    /// "malformed-response". Never contains a credential.</summary>
    public string Reason { get; private init; } = "";

    public bool IsAllowed => Rejection is null;

    /// <summary>What the developer console shows (docs/local-stage.md#the-developer-console): the identity source
    /// values read (in the authorizer's order), the policy evaluated, and when the cached answer was stored (null: not
    /// from the cache). References only, nothing formatted: the console hashes or truncates them when it is read.</summary>
    public string?[]? IdentitySources { get; private init; }
    public APIGatewayCustomAuthorizerResponse? Policy { get; private init; }
    public DateTimeOffset? CachedAt { get; private init; }

    public static GatewayOutcome Pass(GatewayRoute? route, Dictionary<string, string>? pathParameters,
        APIGatewayCustomAuthorizerContext? authorizer, string reason,
        string?[]? identitySources = null, APIGatewayCustomAuthorizerResponse? policy = null, DateTimeOffset? cachedAt = null) =>
        new()
        {
            Route = route, PathParameters = pathParameters, Authorizer = authorizer, Reason = reason,
            IdentitySources = identitySources, Policy = policy, CachedAt = cachedAt,
        };

    public static GatewayOutcome Reject(GatewayRoute? route, GatewayResponse response, string reason,
        string?[]? identitySources = null, APIGatewayCustomAuthorizerResponse? policy = null, DateTimeOffset? cachedAt = null) =>
        new() { Route = route, Rejection = response, Reason = reason, IdentitySources = identitySources, Policy = policy, CachedAt = cachedAt };
}
