using System.Text.Json;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// The parts of serverless.template that decide what API Gateway does: routes, authorizers (type, identity
/// sources as API Gateway spells them, TTL), gateway responses and functions. Read with System.Text.Json
/// from the JSON template at the repository root.
/// </summary>
public sealed record ServerlessTemplate(
    IReadOnlyList<TemplateRoute> Routes,
    IReadOnlyDictionary<string, TemplateAuthorizer> Authorizers,
    IReadOnlyDictionary<string, TemplateGatewayResponse> GatewayResponses,
    IReadOnlyDictionary<string, TemplateFunction> Functions,
    string StageName,
    string? DefaultAuthorizer,
    JsonElement Parameters,
    JsonElement Conditions)
{
    public static ServerlessTemplate Load() => Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "serverless.template")));

    public static ServerlessTemplate Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var resources = doc.RootElement.GetProperty("Resources");
        var globals = doc.RootElement.TryGetProperty("Globals", out var g) && g.TryGetProperty("Function", out var gf) ? gf : default;

        var apis = resources.EnumerateObject().Where(r => Type(r.Value) == "AWS::Serverless::Api").ToList();
        if (apis.Count != 1) throw new InvalidDataException($"Expected exactly one AWS::Serverless::Api, found {apis.Count}.");
        var api = apis[0].Value.GetProperty("Properties");
        var auth = api.TryGetProperty("Auth", out var a) ? a : default;
        var defaultAuthorizer = Str(auth, "DefaultAuthorizer");

        var authorizers = new Dictionary<string, TemplateAuthorizer>(StringComparer.Ordinal);
        if (auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("Authorizers", out var list))
            foreach (var az in list.EnumerateObject())
                authorizers[az.Name] = ReadAuthorizer(az.Name, az.Value, resources);

        var responses = new Dictionary<string, TemplateGatewayResponse>(StringComparer.Ordinal);
        if (api.TryGetProperty("GatewayResponses", out var gr))
            foreach (var r in gr.EnumerateObject())
                responses[r.Name] = new TemplateGatewayResponse(
                    r.Value.GetProperty("StatusCode").GetInt32(),
                    r.Value.TryGetProperty("ResponseTemplates", out var t) && t.TryGetProperty("application/json", out var body) ? body.GetString() : null,
                    // Header values are mapping expressions: a static value is a single-quoted literal.
                    r.Value.TryGetProperty("ResponseParameters", out var rp) && rp.TryGetProperty("Headers", out var hs)
                        ? hs.EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString()!.Trim('\''), StringComparer.OrdinalIgnoreCase)
                        : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

        var routes = new List<TemplateRoute>();
        var functions = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal);
        foreach (var res in resources.EnumerateObject().Where(r => Type(r.Value) == "AWS::Serverless::Function"))
        {
            var p = res.Value.GetProperty("Properties");
            var env = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (p.TryGetProperty("Environment", out var e) && e.TryGetProperty("Variables", out var vars))
                foreach (var v in vars.EnumerateObject()) env[v.Name] = v.Value.Clone();
            functions[res.Name] = new TemplateFunction(
                res.Name, Str(p, "CodeUri") ?? "", Str(p, "Handler") ?? "",
                Str(p, "Runtime") ?? Str(globals, "Runtime") ?? "", env, p.Clone());

            if (!p.TryGetProperty("Events", out var events)) continue;
            foreach (var ev in events.EnumerateObject().Where(x => Str(x.Value, "Type") == "Api"))
            {
                var ep = ev.Value.GetProperty("Properties");
                var authorizer = ep.TryGetProperty("Auth", out var ea) ? Str(ea, "Authorizer") : null;
                authorizer ??= defaultAuthorizer;
                routes.Add(new TemplateRoute(
                    Str(ep, "Method")!.ToUpperInvariant(), Str(ep, "Path")!,
                    authorizer is null or "NONE" ? null : authorizer, res.Name));
            }
        }

        var root = doc.RootElement;
        return new ServerlessTemplate(routes, authorizers, responses, functions, Str(api, "StageName") ?? "", defaultAuthorizer,
            root.TryGetProperty("Parameters", out var ps) ? ps.Clone() : default,
            root.TryGetProperty("Conditions", out var cs) ? cs.Clone() : default);
    }

    /// <summary>
    /// A function's environment variables as CloudFormation resolves them for the given parameter values (others
    /// take their Default): Ref, Fn::If, Fn::Not, Fn::Equals, Fn::Sub over parameters, and AWS::NoValue (omitted).
    /// </summary>
    public IReadOnlyDictionary<string, string> ResolveEnvironment(string logicalId, IReadOnlyDictionary<string, string> parameterValues)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, expression) in Functions[logicalId].Environment)
            if (Evaluate(expression, parameterValues) is string value) result[name] = value;
        return result;
    }

    private object? Evaluate(JsonElement e, IReadOnlyDictionary<string, string> values)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String: return e.GetString();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Object:
                var fn = e.EnumerateObject().Single();
                switch (fn.Name)
                {
                    case "Ref":
                        var name = fn.Value.GetString()!;
                        if (name == "AWS::NoValue") return null;
                        if (values.TryGetValue(name, out var v)) return v;
                        return Parameters.GetProperty(name).TryGetProperty("Default", out var d)
                            ? d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText()
                            : throw new InvalidDataException($"Parameter {name} has no value and no default.");
                    case "Condition":
                        return Evaluate(Conditions.GetProperty(fn.Value.GetString()!), values);
                    case "Fn::Not":
                        return !(bool)Evaluate(fn.Value[0], values)!;
                    case "Fn::Equals":
                        return Equals(Evaluate(fn.Value[0], values), Evaluate(fn.Value[1], values));
                    case "Fn::If":
                        var condition = (bool)Evaluate(Conditions.GetProperty(fn.Value[0].GetString()!), values)!;
                        return Evaluate(fn.Value[condition ? 1 : 2], values);
                    case "Fn::Sub":
                        return System.Text.RegularExpressions.Regex.Replace(fn.Value.GetString()!, @"\$\{([A-Za-z0-9:]+)\}",
                            m => (string)Evaluate(JsonDocument.Parse($"{{\"Ref\":\"{m.Groups[1].Value}\"}}").RootElement, values)!);
                }
                break;
        }
        throw new NotSupportedException($"Template expression not supported here: {e.GetRawText()}");
    }

    private static TemplateAuthorizer ReadAuthorizer(string name, JsonElement az, JsonElement resources)
    {
        var type = Str(az, "FunctionPayloadType") ?? "TOKEN";
        var identity = az.TryGetProperty("Identity", out var id) ? id : default;
        var ttl = identity.ValueKind == JsonValueKind.Object && identity.TryGetProperty("ReauthorizeEvery", out var r) ? r.GetInt32() : 300;
        var sources = new List<string>();
        if (type == "TOKEN")
            sources.Add("method.request.header." + (Str(identity, "Header") ?? "Authorization"));
        else
        {
            foreach (var (key, prefix) in new[] { ("Headers", "method.request.header."), ("QueryStrings", "method.request.querystring."),
                                                  ("StageVariables", "stageVariables."), ("Context", "context.") })
                if (identity.ValueKind == JsonValueKind.Object && identity.TryGetProperty(key, out var arr))
                    sources.AddRange(arr.EnumerateArray().Select(x => prefix + x.GetString()));
        }
        // FunctionArn is { "Fn::GetAtt": [ "<LogicalId>", "Arn" ] }.
        var function = az.GetProperty("FunctionArn").GetProperty("Fn::GetAtt")[0].GetString()!;
        if (!resources.TryGetProperty(function, out _)) throw new InvalidDataException($"Authorizer {name} names unknown function {function}.");
        return new TemplateAuthorizer(name, type, sources, ttl, function, Str(identity, "ValidationExpression"));
    }

    private static string? Type(JsonElement resource) => Str(resource, "Type");

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

public sealed record TemplateRoute(string Method, string Path, string? Authorizer, string Function);

public sealed record TemplateAuthorizer(
    string Name, string Type, IReadOnlyList<string> IdentitySources, int TtlSeconds, string Function, string? ValidationExpression);

public sealed record TemplateGatewayResponse(int StatusCode, string? JsonBody, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The body API Gateway sends: $context.requestId and $context.error.messageString (a quoted string) filled in.</summary>
    public string Render(string requestId, string message) => (JsonBody ?? "")
        .Replace("$context.requestId", requestId, StringComparison.Ordinal)
        .Replace("$context.error.messageString", JsonSerializer.Serialize(message), StringComparison.Ordinal);
}

public sealed record TemplateFunction(
    string LogicalId, string CodeUri, string Handler, string Runtime,
    IReadOnlyDictionary<string, JsonElement> Environment, JsonElement Properties);

/// <summary>The repository root: the nearest folder above the test assembly that holds SecureApi.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SecureApi.sln"))) return dir.FullName;
        throw new InvalidOperationException("SecureApi.sln not found above " + AppContext.BaseDirectory);
    }
}
