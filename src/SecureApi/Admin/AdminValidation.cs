using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.AuthorizationStore.Issuers;
using SecureApi.AuthorizerContract;

namespace SecureApi.Admin;

/// <summary>
/// Input rules of the admin API. Each problem is recorded under the field it concerns ("roles[1]",
/// "routes[0].verb") for a 400 ValidationProblem; nothing is written unless there is none. Messages never repeat
/// a submitted value.
/// </summary>
public sealed class AdminValidation
{
    public const int MaxNameLength = 128;
    public const int MaxNames = 100;
    public const int MaxDescriptionLength = 256;
    public const int MaxRoutes = 200;
    private static readonly string[] IsoFormats =
        ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd"];

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Dictionary<string, string[]> Errors()
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, messages) in _errors) result[field] = [.. messages];
        return result;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    /// <summary>A path id alone (principalId, keyId): null when the store's id rule holds, else the 400 naming the field.</summary>
    public static ValidationProblem? IdProblem(string? value, string field) =>
        PrincipalIds.IsValid(value) ? null : TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [PrincipalIds.Rule(field)] });

    /// <summary>A run-time registry entry's name in the path (issuers, SAML IdPs): null when valid, else the 400 naming "name".</summary>
    public static ValidationProblem? RegistryNameProblem(string? name) =>
        IssuerRules.IsValidName(name) ? null
        : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [IssuerRules.NameRule("name")] });

    /// <summary>A registry PUT body's optional name: left out, or the path's.</summary>
    public void BodyName(string? bodyName, string pathName)
    {
        if (bodyName is not null && bodyName != pathName) Add("name", "name in the body must equal the name in the path (or be left out).");
    }

    /// <summary>An optional list of strings: null stays null; each element must be a non-empty string (named "field[i]").</summary>
    public string[]? Strings(IReadOnlyList<string?>? values, string field)
    {
        if (values is null) return null;
        for (var i = 0; i < values.Count; i++)
            if (string.IsNullOrEmpty(values[i])) Add($"{field}[{i}]", $"{field}[{i}] must be a non-empty string.");
        return [.. values.OfType<string>()];
    }

    /// <summary>principalId / keyId: the store's id rule (<see cref="PrincipalIds"/>), so every id the store accepts can be managed here.</summary>
    public string Id(string? value, string field)
    {
        if (!PrincipalIds.IsValid(value)) Add(field, PrincipalIds.Rule(field));
        return value ?? "";
    }

    /// <summary>
    /// A principal that may hold keys: the store's id rule and no ':' — that form is a token subject's identity
    /// (issuer:sub, docs/identity-providers.md), which a key must never share.
    /// </summary>
    public string KeyPrincipalId(string? value, string field)
    {
        Id(value, field);
        if (value is not null && TokenSubjects.IsTokenSubject(value))
            Add(field, $"{field} of a key principal must not contain ':' (issuer:sub names a token subject, which holds no keys).");
        return value ?? "";
    }

    /// <summary>A principal record's id: a key principal's (no ':') or a token subject's issuer:sub with a valid issuer name.</summary>
    public string RecordPrincipalId(string? value, string field)
    {
        Id(value, field);
        if (value is not null && value.IndexOf(TokenSubjects.Separator) is var colon and >= 0 && !TokenSubjects.IsIssuerName(value.AsSpan(0, colon)))
            Add(field, $"{field} of a token subject is issuer:sub, the issuer part 1-32 characters of a-z, 0-9 and -.");
        return value ?? "";
    }

    /// <summary>Roles or permissions: required list; each name non-empty, exact (no surrounding whitespace), no comma (the context list separator).</summary>
    public string[] Names(IReadOnlyList<string?>? values, string field)
    {
        if (values is null)
        {
            Add(field, $"{field} is required (an empty list for none).");
            return [];
        }
        if (values.Count > MaxNames) Add(field, $"{field} may hold at most {MaxNames} names.");
        for (var i = 0; i < values.Count; i++) Name(values[i], $"{field}[{i}]", required: true);
        return values.Where(v => v is not null).Select(v => v!).Distinct(StringComparer.Ordinal).ToArray();
    }

    public string? Name(string? value, string field, bool required)
    {
        if (value is null)
        {
            if (required) Add(field, $"{field} must not be null.");
            return null;
        }
        if (value.Length == 0 || value.Length > MaxNameLength) Add(field, $"{field} must be 1-{MaxNameLength} characters.");
        else if (value.Contains(ContextList.Separator)) Add(field, $"{field} must not contain ','.");
        else if (value.Trim().Length != value.Length) Add(field, $"{field} must not start or end with whitespace.");
        else if (value.Any(char.IsControl) || value.Contains('*')) Add(field, $"{field} must not contain control characters or '*'.");
        return value;
    }

    public string Kind(string? value)
    {
        if (value is not (AuthTypes.ApiKey or AuthTypes.CustomHeader))
            Add("kind", $"kind must be '{AuthTypes.ApiKey}' or '{AuthTypes.CustomHeader}'.");
        return value ?? "";
    }

    /// <summary>Optional ISO 8601 instant (a missing offset means UTC) later than <paramref name="now"/>.</summary>
    public DateTimeOffset? ExpiresAt(string? value, DateTimeOffset now)
    {
        if (value is null) return null;
        if (!DateTimeOffset.TryParseExact(value, IsoFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiresAt))
        {
            Add("expiresAt", "expiresAt must be an ISO 8601 date-time such as 2030-01-31T00:00:00Z.");
            return null;
        }
        if (expiresAt <= now) Add("expiresAt", "expiresAt must be in the future.");
        return expiresAt;
    }

    public string? Description(string? value)
    {
        if (value is not null && (value.Length > MaxDescriptionLength || value.Any(char.IsControl)))
            Add("description", $"description must be at most {MaxDescriptionLength} characters without control characters.");
        return value;
    }

    /// <summary>
    /// The route table: known verbs, paths without wildcards, no duplicates, and exactly the routes this API serves
    /// behind an authorizer (<paramref name="served"/>): a served route missing or an unserved one listed is a 400.
    /// Every admin-API route (<paramref name="adminApi"/>) must keep requiring role admin, so no table can open the
    /// admin API to other callers.
    /// </summary>
    public RouteRules? Routes(IReadOnlyList<RouteRuleBody?>? routes, IReadOnlyList<(string Verb, string Path)> served,
        IReadOnlyList<(string Verb, string Path)> adminApi)
    {
        if (routes is null)
        {
            Add("routes", "routes is required.");
            return null;
        }
        if (routes.Count > MaxRoutes) Add("routes", $"routes may hold at most {MaxRoutes} rules.");
        var rules = new List<RouteRule>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < routes.Count; i++)
        {
            var field = $"routes[{i}]";
            if (routes[i] is not { } r)
            {
                Add(field, $"{field} must not be null.");
                continue;
            }
            var errorsBefore = _errors.Count;
            if (!KnownVerbs.Contains(r.Verb))
                Add(field + ".verb", $"{field}.verb must be one of {KnownVerbs.List}.");
            if (string.IsNullOrEmpty(r.Path) || !r.Path.StartsWith('/') || r.Path.Contains('*') || r.Path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                Add(field + ".path", $"{field}.path must start with '/' and contain no wildcard or whitespace.");
            Name(r.RequiredPermission, field + ".requiredPermission", required: false);
            Name(r.RequiredRole, field + ".requiredRole", required: false);
            if (_errors.Count != errorsBefore) continue;
            if (!seen.Add((r.Verb!, r.Path!))) Add(field, $"{field} repeats {r.Verb} {r.Path}.");
            else if (!served.Contains((r.Verb!, r.Path!))) Add(field, $"{field}: {r.Verb} {r.Path} is not a route of this API behind an authorizer.");
            else if (adminApi.Contains((r.Verb!, r.Path!)) && r.RequiredRole != AdminGuardRails.AdminRole)
                Add(field + ".requiredRole", $"{field}.requiredRole must be '{AdminGuardRails.AdminRole}': {r.Verb} {r.Path} is a route of the admin API.");
            else rules.Add(new RouteRule(r.Verb!, r.Path!, r.RequiredPermission, r.RequiredRole));
        }
        foreach (var (verb, path) in served)
            if (!seen.Contains((verb, path))) Add("routes", $"{verb} {path} is not covered.");
        return IsValid ? new RouteRules(rules) : null;
    }
}
