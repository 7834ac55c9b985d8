namespace SecureApi.AuthorizerContract;

/// <summary>One protected route and what it needs: a permission, a role, or both (all must hold).</summary>
public sealed record RouteRule(string Verb, string Path, string? RequiredPermission = null, string? RequiredRole = null)
{
    /// <summary>True when the principal's roles and permissions satisfy this route (ordinal, exact names).</summary>
    public bool IsSatisfiedBy(IReadOnlyCollection<string> roles, IReadOnlyCollection<string> permissions) =>
        (RequiredPermission is null || ContainsOrdinal(permissions, RequiredPermission)) &&
        (RequiredRole is null || ContainsOrdinal(roles, RequiredRole));

    private static bool ContainsOrdinal(IReadOnlyCollection<string> values, string wanted)
    {
        if (values is string[] array) return Array.IndexOf(array, wanted) >= 0; // string equality is ordinal
        foreach (var v in values)
            if (string.Equals(v, wanted, StringComparison.Ordinal)) return true;
        return false;
    }
}

/// <summary>
/// The route permission table: single source of truth shared by the authorizers (policy per route) and the
/// API's own authorization policies. Routes not listed here are never allowed by an authorizer policy.
/// </summary>
public sealed class RouteRules
{
    /// <summary>GET /protected needs permission "read"; GET /protected/admin needs role "admin".</summary>
    public static RouteRules Default { get; } = new(
    [
        new RouteRule("GET", "/protected", RequiredPermission: "read"),
        new RouteRule("GET", "/protected/admin", RequiredRole: "admin"),
    ]);

    public RouteRules(IReadOnlyList<RouteRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var r in rules)
        {
            if (string.IsNullOrEmpty(r.Verb) || r.Verb.Any(c => c is < 'A' or > 'Z'))
                throw new ArgumentException($"Route verb '{r.Verb}' must be an upper-case HTTP method.", nameof(rules));
            if (!r.Path.StartsWith('/') || r.Path.Contains('*'))
                throw new ArgumentException($"Route path '{r.Path}' must start with '/' and contain no wildcard.", nameof(rules));
        }
        Rules = rules;
    }

    public IReadOnlyList<RouteRule> Rules { get; }

    /// <summary>The rule for an exact verb and path (ordinal), or null when the route is not in the table.</summary>
    public RouteRule? Find(string verb, string path)
    {
        foreach (var r in Rules)
            if (string.Equals(r.Verb, verb, StringComparison.Ordinal) && string.Equals(r.Path, path, StringComparison.Ordinal))
                return r;
        return null;
    }
}
