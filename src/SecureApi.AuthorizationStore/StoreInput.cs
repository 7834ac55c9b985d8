namespace SecureApi.AuthorizationStore;

/// <summary>Argument rules both implementations enforce identically, before anything is read or written.</summary>
internal static class StoreInput
{
    public const int MaxDescriptionLength = 256;
    public const int MaxAuditLimit = 1000;

    public static string Id(string? value, string name) =>
        PrincipalIds.IsValid(value) ? value! : throw new ArgumentException(PrincipalIds.Rule(name), name);

    /// <summary>Lower-case hex; the message never repeats the value (it might be a pasted secret).</summary>
    public static string Sha256(string? value, string name = "sha256")
    {
        if (value is not { Length: 64 } || value.AsSpan().ContainsAnyExcept(HexDigits))
            throw new ArgumentException($"{name} must be the 64 hex digits of a SHA-256, never the secret itself.", name);
        return value.AsSpan().ContainsAnyInRange('A', 'F') ? value.ToLowerInvariant() : value;
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static string Kind(string? value)
    {
        if (value is not (AuthTypes.ApiKey or AuthTypes.CustomHeader))
            throw new ArgumentException($"kind must be '{AuthTypes.ApiKey}' or '{AuthTypes.CustomHeader}'.", "kind");
        return value;
    }

    public static string? Description(string? value)
    {
        if (value is not null && value.Length > MaxDescriptionLength)
            throw new ArgumentException($"description must be at most {MaxDescriptionLength} characters.", "description");
        return value;
    }

    public static IReadOnlyList<string> Names(IReadOnlyList<string>? values, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        foreach (var v in values) Id(v, name);
        return values.Distinct(StringComparer.Ordinal).ToArray();
    }

    public static int AuditLimit(int limit) =>
        limit is >= 1 and <= MaxAuditLimit ? limit : throw new ArgumentOutOfRangeException(nameof(limit), $"limit must be 1-{MaxAuditLimit}.");

    public static PrincipalChange Principal(PrincipalChange? change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Plan?.Routes is { } routes) RouteLimits(routes);
        return change with
        {
            Id = Id(change.Id, "principalId"),
            Roles = Names(change.Roles, "roles"),
            Permissions = Names(change.Permissions, "permissions"),
            Plan = change.Plan is { IsEmpty: false } plan ? plan : null,
        };
    }

    /// <summary>A plan's route limits: at most RouteLimit.MaxRoutes, each naming a verb and a path (the API checks them against its routes).</summary>
    private static void RouteLimits(IReadOnlyList<RateLimits.RouteLimit> routes)
    {
        if (routes.Count > RateLimits.RouteLimit.MaxRoutes)
            throw new ArgumentException($"plan.routes may hold at most {RateLimits.RouteLimit.MaxRoutes} route limits.", "plan");
        foreach (var route in routes)
            if (route is null || string.IsNullOrEmpty(route.Verb) || string.IsNullOrEmpty(route.Path) || !route.Path.StartsWith('/'))
                throw new ArgumentException("Each route limit names a verb and a path starting with '/'.", "plan");
    }

    public static NewCredential Credential(NewCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return credential with
        {
            KeyId = Id(credential.KeyId, "keyId"),
            Kind = Kind(credential.Kind),
            PrincipalId = Id(credential.PrincipalId, "principalId"),
            Sha256 = Sha256(credential.Sha256),
            Description = Description(credential.Description),
        };
    }
}
