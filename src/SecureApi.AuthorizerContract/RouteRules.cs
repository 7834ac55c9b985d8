namespace SecureApi.AuthorizerContract;

/// <summary>
/// One protected route and what it needs: a permission, a role, or both (all must hold). <see cref="Path"/> is the
/// resource as serverless.template declares it; a <c>{name}</c> segment stands for any one path segment.
/// </summary>
public sealed record RouteRule(string Verb, string Path, string? RequiredPermission = null, string? RequiredRole = null)
{
    /// <summary>The path as an IAM resource pattern: each <c>{name}</c> segment becomes <c>*</c>.</summary>
    public string ResourcePattern => string.Join('/', Path.Split('/').Select(s => IsParameter(s) ? "*" : s));

    /// <summary>True for a request path of this route: literal segments exactly (ordinal), a parameter any one non-empty segment.</summary>
    public bool MatchesPath(ReadOnlySpan<char> path)
    {
        var pattern = Path.AsSpan();
        while (true)
        {
            var p = NextSegment(ref pattern);
            var v = NextSegment(ref path);
            if (p.IsEmpty || v.IsEmpty) return p.IsEmpty && v.IsEmpty && pattern.IsEmpty && path.IsEmpty;
            if (!(IsParameter(p) || p.SequenceEqual(v))) return false;
        }
    }

    private static ReadOnlySpan<char> NextSegment(ref ReadOnlySpan<char> rest)
    {
        rest = rest.TrimStart('/');
        var end = rest.IndexOf('/');
        var segment = end < 0 ? rest : rest[..end];
        rest = end < 0 ? [] : rest[end..];
        return segment;
    }

    private static bool IsParameter(ReadOnlySpan<char> segment) => segment.Length > 2 && segment[0] == '{' && segment[^1] == '}';

    /// <summary>True when the principal's roles and permissions satisfy this route (ordinal, exact names).</summary>
    public bool IsSatisfiedBy(IReadOnlyCollection<string> roles, IReadOnlyCollection<string> permissions) =>
        (RequiredPermission is null || ContainsOrdinal(permissions, RequiredPermission)) &&
        (RequiredRole is null || ContainsOrdinal(roles, RequiredRole));

    private static bool ContainsOrdinal(IReadOnlyCollection<string> values, string wanted)
    {
        // A plain loop, not Array.IndexOf: in the AOT functions that is shared generic code with a comparer lookup,
        // and this runs once per route on every decision.
        if (values is string[] array)
        {
            foreach (var v in array)
                if (string.Equals(v, wanted, StringComparison.Ordinal)) return true;
            return false;
        }
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
    /// <summary>
    /// GET /protected needs permission "read"; GET /protected/admin and the admin API need role "admin"; MFA
    /// self-enrollment needs an authenticated caller only (a rule with neither requirement). The seed:
    /// a route table stored at run time replaces it.
    /// </summary>
    public static RouteRules Default { get; } = new(
    [
        new RouteRule("GET", "/protected", RequiredPermission: "read"),
        new RouteRule("GET", "/protected/admin", RequiredRole: "admin"),
        new RouteRule("GET", "/protected/admin/principals/{principalId}", RequiredRole: "admin"),
        new RouteRule("PUT", "/protected/admin/principals/{principalId}", RequiredRole: "admin"),
        new RouteRule("GET", "/protected/admin/principals/{principalId}/usage", RequiredRole: "admin"),
        new RouteRule("GET", "/protected/admin/principals/{principalId}/keys", RequiredRole: "admin"),
        new RouteRule("POST", "/protected/admin/principals/{principalId}/keys", RequiredRole: "admin"),
        new RouteRule("DELETE", "/protected/admin/keys/{keyId}", RequiredRole: "admin"),
        new RouteRule("GET", "/protected/admin/routes", RequiredRole: "admin"),
        new RouteRule("PUT", "/protected/admin/routes", RequiredRole: "admin"),
        new RouteRule("GET", "/protected/admin/audit", RequiredRole: "admin"),
        new RouteRule("GET", "/protected/admin/issuers", RequiredRole: "admin"),
        new RouteRule("GET", "/protected/admin/issuers/{name}", RequiredRole: "admin"),
        new RouteRule("PUT", "/protected/admin/issuers/{name}", RequiredRole: "admin"),
        new RouteRule("DELETE", "/protected/admin/issuers/{name}", RequiredRole: "admin"),
        new RouteRule("GET", "/protected/admin/saml-idps", RequiredRole: "admin"),
        new RouteRule("GET", "/protected/admin/saml-idps/{name}", RequiredRole: "admin"),
        new RouteRule("PUT", "/protected/admin/saml-idps/{name}", RequiredRole: "admin"),
        new RouteRule("DELETE", "/protected/admin/saml-idps/{name}", RequiredRole: "admin"),
        // Step-up (docs/step-up.md): every caller enrolls for itself, so these need only an authenticated principal.
        new RouteRule("POST", "/protected/mfa/enrollment"),
        new RouteRule("DELETE", "/protected/mfa/enrollment"),
        new RouteRule("POST", "/protected/mfa/enrollment/confirm"),
        new RouteRule("POST", "/protected/mfa/verify"),
        new RouteRule("POST", "/protected/admin/mfa/enrollment"),
        new RouteRule("DELETE", "/protected/admin/mfa/enrollment"),
        new RouteRule("POST", "/protected/admin/mfa/enrollment/confirm"),
        new RouteRule("POST", "/protected/admin/mfa/verify"),
        new RouteRule("DELETE", "/protected/admin/principals/{principalId}/mfa", RequiredRole: "admin"),
        new RouteRule("POST", "/protected/admin/principals/{principalId}/mfa/ticket", RequiredRole: "admin"),
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

    /// <summary>The rule for an exact verb and resource path (ordinal, as declared), or null when the route is not in the table.</summary>
    public RouteRule? Find(string verb, string path)
    {
        foreach (var r in Rules)
            if (string.Equals(r.Verb, verb, StringComparison.Ordinal) && string.Equals(r.Path, path, StringComparison.Ordinal))
                return r;
        return null;
    }

    /// <summary>The rule whose resource a request path falls under (a literal route wins over a parameter route), or null.</summary>
    public RouteRule? Match(string verb, string requestPath)
    {
        RouteRule? best = null;
        foreach (var r in Rules)
        {
            if (!string.Equals(r.Verb, verb, StringComparison.Ordinal) || !r.MatchesPath(requestPath)) continue;
            if (best is null || !r.Path.Contains('{')) best = r;
        }
        return best;
    }
}
