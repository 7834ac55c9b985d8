using System.Text.Json;

namespace SecureApi.Testing;

/// <summary>Which credential a case presents; resolved against one <see cref="GatewayTestCredentials"/>.</summary>
public enum CaseCredential
{
    None,
    UserToken,
    AdminToken,
    NoReadToken,
    ShortLivedToken,
    ExpiredToken,
    WrongAudienceToken,
    WrongSignatureToken,
    MalformedToken,
    NonBearerToken,
    AdminApiKey,
    UserApiKey,
    WrongApiKey,
    CustomHeader,
    WrongCustomHeader,
}

/// <summary>A request described independently of any host: the credential slot, extra headers, the TCP source IP.</summary>
public sealed record CaseRequest(
    string Method,
    string Path,
    CaseCredential Credential = CaseCredential.None,
    string SourceIp = GatewayTestCredentials.DefaultSourceIp,
    IReadOnlyList<KeyValuePair<string, string>>? ExtraHeaders = null)
{
    public ResolvedCaseRequest Resolve(GatewayTestCredentials credentials)
    {
        var headers = new List<KeyValuePair<string, string>>(ExtraHeaders ?? []);
        var query = new List<KeyValuePair<string, string>>();
        void Bearer(string token) => headers.Add(new("Authorization", "Bearer " + token));
        switch (Credential)
        {
            case CaseCredential.UserToken: Bearer(credentials.UserToken); break;
            case CaseCredential.AdminToken: Bearer(credentials.AdminToken); break;
            case CaseCredential.NoReadToken: Bearer(credentials.NoReadToken); break;
            case CaseCredential.ShortLivedToken: Bearer(credentials.ShortLivedToken); break;
            case CaseCredential.ExpiredToken: Bearer(credentials.ExpiredToken); break;
            case CaseCredential.WrongAudienceToken: Bearer(credentials.WrongAudienceToken); break;
            case CaseCredential.WrongSignatureToken: Bearer(credentials.WrongSignatureToken); break;
            case CaseCredential.MalformedToken: Bearer("not-a-jwt"); break;
            case CaseCredential.NonBearerToken: headers.Add(new("Authorization", "Basic " + Convert.ToBase64String("admin:admin"u8))); break;
            case CaseCredential.AdminApiKey: query.Add(new("api_key", credentials.AdminApiKey)); break;
            case CaseCredential.UserApiKey: query.Add(new("api_key", credentials.UserApiKey)); break;
            case CaseCredential.WrongApiKey: query.Add(new("api_key", credentials.WrongApiKey)); break;
            case CaseCredential.CustomHeader: headers.Add(new("X-Custom-Auth", credentials.CustomHeaderValue)); break;
            case CaseCredential.WrongCustomHeader: headers.Add(new("X-Custom-Auth", credentials.WrongCustomHeaderValue)); break;
        }
        // A query written into Path ("/x?a=1") joins the credential's query instead of ending up in the path.
        var path = Path;
        if (path.IndexOf('?') is >= 0 and var mark)
        {
            foreach (var pair in path[(mark + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                query.Add(eq < 0 ? new(Uri.UnescapeDataString(pair), "") : new(Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..])));
            }
            path = path[..mark];
        }
        return new ResolvedCaseRequest(Method, path, headers, query, SourceIp);
    }
}

/// <summary>Concrete request: headers and query with real credential values, and the TCP source IP.</summary>
public sealed record ResolvedCaseRequest(
    string Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    string SourceIp)
{
    public string PathAndQuery => Query.Count == 0
        ? Path
        : Path + "?" + string.Join('&', Query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
}

/// <summary>
/// One expected JSON value in the response body: a dotted path ("user.principalId"); arrays compare as their
/// items joined with ','; <see cref="Present"/> means any non-empty value; null means JSON null.
/// </summary>
public sealed record BodyExpectation(string Path, string? Value)
{
    public const string Present = "<present>";
}

/// <summary>One row of the gateway matrix: the same rows drive the local gateway tests and the end-to-end suite.</summary>
public sealed record GatewayCase(string Name, CaseRequest Request, int ExpectedStatus, IReadOnlyList<BodyExpectation> Body)
{
    public override string ToString() => Name;

    /// <summary>Every mismatch between this row and an actual response; empty when the response is as expected.</summary>
    public IReadOnlyList<string> Check(int status, string body)
    {
        var failures = new List<string>();
        if (status != ExpectedStatus) failures.Add($"status {status}, expected {ExpectedStatus}");
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            if (Body.Count > 0) failures.Add("body is not JSON");
            return failures;
        }
        foreach (var expectation in Body)
        {
            var actual = Read(root, expectation.Path, out var found);
            if (!found) failures.Add($"{expectation.Path} missing");
            else if (expectation.Value == BodyExpectation.Present ? string.IsNullOrEmpty(actual) : actual != expectation.Value)
                failures.Add($"{expectation.Path} = {actual ?? "null"}, expected {expectation.Value ?? "null"}");
        }
        foreach (var leak in new[] { "stackTrace", "exception", "   at " })
        {
            if (body.Contains(leak, StringComparison.Ordinal)) failures.Add($"body leaks '{leak}'");
        }
        return failures;
    }

    private static string? Read(JsonElement root, string path, out bool found)
    {
        found = false;
        var current = root;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current)) return null;
        }
        found = true;
        return current.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Array => string.Join(',', current.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
            _ => current.GetRawText(),
        };
    }
}

/// <summary>
/// The shared matrix: what a client gets from the stage (local gateway + API, or gateway core + published
/// functions) for each credential and route. Bodies of gateway rejections are API Gateway's default responses.
/// </summary>
public static class GatewayCases
{
    public const string Unauthorized = "Unauthorized";
    public const string ExplicitDeny = "User is not authorized to access this resource with an explicit deny";

    private static readonly IReadOnlyList<BodyExpectation> GatewayUnauthorized = [new("message", Unauthorized)];
    private static readonly IReadOnlyList<BodyExpectation> GatewayExplicitDeny = [new("message", ExplicitDeny)];

    public static IReadOnlyList<GatewayCase> All { get; } =
    [
        // Allowed
        new("Public_endpoint_needs_no_credential", new("GET", "/public"), 200,
        [
            new("message", "Welcome to the public API"), new("status", "operational"),
            new("requestId", BodyExpectation.Present), new("publicData.apiVersion", "1.0"),
        ]),
        new("User_token_reads_protected_data_at_user_level", new("GET", "/protected", CaseCredential.UserToken), 200,
        [
            new("message", "Access granted to protected resource"), new("user.principalId", "default:test-user"),
            new("user.role", "user"), new("user.permissions", "read"), new("user.authType", "jwt"),
            new("user.sourceIp", GatewayTestCredentials.DefaultSourceIp), new("requestId", BodyExpectation.Present),
            new("protectedData.accessLevel", "user"),
        ]),
        new("Admin_token_reads_protected_data_at_admin_level", new("GET", "/protected", CaseCredential.AdminToken), 200,
        [
            new("user.principalId", "default:test-admin"), new("user.role", "admin"), new("user.permissions", "read,write,delete"),
            new("user.authType", "jwt"), new("protectedData.accessLevel", "admin"),
        ]),
        new("Api_key_reaches_admin_data", new("GET", "/protected/admin", CaseCredential.AdminApiKey), 200,
        [
            new("message", "Access granted to administrative resource"), new("user.principalId", "api-key-user"),
            new("user.role", "admin"), new("user.permissions", "read,write"), new("user.authType", "api-key"),
            new("user.sourceIp", GatewayTestCredentials.DefaultSourceIp), new("adminData.environment", BodyExpectation.Present),
        ]),
        new("Custom_header_reaches_admin_data", new("GET", "/protected/admin", CaseCredential.CustomHeader), 200,
        [
            new("user.principalId", "custom-user"), new("user.role", "admin"), new("user.permissions", "read"),
            new("user.authType", "custom-header"),
        ]),
        new("Allowlisted_source_ip_reaches_admin_data",
            new("GET", "/protected/admin", SourceIp: GatewayTestCredentials.AllowlistedIp), 200,
        [
            new("user.principalId", "internal-user"), new("user.role", "admin"), new("user.authType", "ip-allowlist"),
            new("user.sourceIp", GatewayTestCredentials.AllowlistedIp),
        ]),

        // Rejected by the gateway before the API runs
        new("Missing_token_is_unauthorized", new("GET", "/protected"), 401, GatewayUnauthorized),
        new("Malformed_token_is_unauthorized", new("GET", "/protected", CaseCredential.MalformedToken), 401, GatewayUnauthorized),
        new("Non_bearer_authorization_is_unauthorized", new("GET", "/protected", CaseCredential.NonBearerToken), 401, GatewayUnauthorized),
        new("Expired_token_is_unauthorized", new("GET", "/protected", CaseCredential.ExpiredToken), 401, GatewayUnauthorized),
        new("Token_for_another_audience_is_unauthorized", new("GET", "/protected", CaseCredential.WrongAudienceToken), 401, GatewayUnauthorized),
        new("Token_with_wrong_signature_is_unauthorized", new("GET", "/protected", CaseCredential.WrongSignatureToken), 401, GatewayUnauthorized),
        new("Token_without_read_permission_is_forbidden", new("GET", "/protected", CaseCredential.NoReadToken), 403, GatewayExplicitDeny),
        new("Wrong_api_key_is_unauthorized", new("GET", "/protected/admin", CaseCredential.WrongApiKey), 401, GatewayUnauthorized),
        new("Wrong_custom_header_is_unauthorized", new("GET", "/protected/admin", CaseCredential.WrongCustomHeader), 401, GatewayUnauthorized),
        new("Admin_route_without_credential_is_unauthorized", new("GET", "/protected/admin"), 401, GatewayUnauthorized),
        new("Bearer_token_does_not_open_the_admin_route", new("GET", "/protected/admin", CaseCredential.AdminToken), 401, GatewayUnauthorized),
        new("Spoofed_forwarding_headers_do_not_reach_the_allowlist",
            new("GET", "/protected/admin", ExtraHeaders:
            [
                new("X-Forwarded-For", GatewayTestCredentials.AllowlistedIp), new("X-Real-IP", GatewayTestCredentials.AllowlistedIp),
                new("Forwarded", "for=" + GatewayTestCredentials.AllowlistedIp),
            ]), 401, GatewayUnauthorized),
        new("User_on_admin_only_action_is_forbidden", new("GET", "/protected/admin", CaseCredential.UserApiKey), 403, GatewayExplicitDeny),
        new("Role_header_does_not_make_a_user_an_admin",
            new("GET", "/protected/admin", CaseCredential.UserApiKey, ExtraHeaders: [new("role", "admin"), new("X-User-Role", "admin")]),
            403, GatewayExplicitDeny),

        // Passed by the gateway, answered by the API
        new("Unknown_route_is_not_found_as_problem_details", new("GET", "/no-such-route"), 404,
            [new("status", "404"), new("title", "Not Found")]),
    ];

    public static GatewayCase Named(string name) => All.Single(c => c.Name == name);
}
