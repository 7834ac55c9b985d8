using System.Text.Json;
using System.Text.RegularExpressions;

namespace SecureApi.LocalGateway.Template;

/// <summary>
/// Reads the API Gateway part of a SAM template (JSON): the one <c>AWS::Serverless::Api</c> (StageName,
/// Auth.DefaultAuthorizer, Auth.Authorizers, GatewayResponses) and every function's <c>Api</c> events on it.
/// Anything that would change what API Gateway does but that the stage cannot play (Cognito authorizers, API keys,
/// stage-variable identity sources, intrinsic functions in a path, …) is refused with a message naming it, so a
/// local run never silently differs from the deployed stack.
/// </summary>
public static class ServerlessTemplateReader
{
    private const string ApiType = "AWS::Serverless::Api";
    private const string FunctionType = "AWS::Serverless::Function";

    public static GatewayDefinition Load(string path)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GatewayTemplateException($"Cannot read the SAM template '{path}': {ex.Message}");
        }
        return Parse(json, path);
    }

    public static GatewayDefinition Parse(string json, string source = "serverless.template")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException ex) { throw new GatewayTemplateException($"{source} is not JSON (the stage reads JSON templates only): {ex.Message}"); }
        using (doc)
        {
            var resources = Object(doc.RootElement, "Resources", "template");
            var apis = resources.EnumerateObject().Where(r => TypeOf(r.Value) == ApiType).ToList();
            if (apis.Count != 1)
                throw new GatewayTemplateException($"{source}: the stage plays exactly one {ApiType}; found {apis.Count}.");
            var (apiId, api) = (apis[0].Name, Object(apis[0].Value, "Properties", apis[0].Name));

            var stageName = LiteralString(api, "StageName", $"{apiId}.Properties") ?? throw new GatewayTemplateException($"{apiId}.Properties.StageName is required.");
            var auth = api.TryGetProperty("Auth", out var a) ? a : default;
            RefuseUnknown(auth, $"{apiId}.Properties.Auth", "DefaultAuthorizer", "Authorizers", "AddDefaultAuthorizerToCorsPreflight");
            var authorizers = new Dictionary<string, AuthorizerDefinition>(StringComparer.Ordinal);
            var authorizerFunctions = new Dictionary<string, string>(StringComparer.Ordinal);
            if (auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("Authorizers", out var list))
            {
                foreach (var az in list.EnumerateObject())
                {
                    var (definition, function) = ReadAuthorizer(az.Name, az.Value, $"{apiId}.Properties.Auth.Authorizers.{az.Name}");
                    authorizers[az.Name] = definition;
                    authorizerFunctions[az.Name] = function;
                }
            }
            var defaultAuthorizer = LiteralString(auth, "DefaultAuthorizer", $"{apiId}.Properties.Auth");
            if (defaultAuthorizer is not null && !authorizers.ContainsKey(defaultAuthorizer))
                throw new GatewayTemplateException($"{apiId}.Properties.Auth.DefaultAuthorizer names '{defaultAuthorizer}', which is not under Auth.Authorizers.");

            var responses = ReadGatewayResponses(api, $"{apiId}.Properties.GatewayResponses");

            var routes = new List<GatewayRoute>();
            var routeFunctions = new Dictionary<GatewayRoute, string>();
            foreach (var function in resources.EnumerateObject().Where(r => TypeOf(r.Value) == FunctionType))
            {
                var properties = function.Value.TryGetProperty("Properties", out var p) ? p : default;
                if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty("Events", out var events)) continue;
                foreach (var ev in events.EnumerateObject())
                {
                    if (LiteralString(ev.Value, "Type", $"{function.Name}.Events.{ev.Name}") != "Api") continue;
                    var route = ReadRoute(ev.Value, $"{function.Name}.Events.{ev.Name}", apiId, defaultAuthorizer, authorizers);
                    if (routes.Any(r => r.Method == route.Method && r.Resource == route.Resource))
                        throw new GatewayTemplateException($"{function.Name}.Events.{ev.Name}: {route} is declared twice.");
                    routes.Add(route);
                    routeFunctions[route] = function.Name;
                }
            }
            routes.Sort((x, y) => y.Specificity.CompareTo(x.Specificity));
            return new GatewayDefinition(stageName, routes, authorizers, responses, routeFunctions, authorizerFunctions);
        }
    }

    private static GatewayRoute ReadRoute(JsonElement ev, string where, string apiId, string? defaultAuthorizer,
        IReadOnlyDictionary<string, AuthorizerDefinition> authorizers)
    {
        var properties = Object(ev, "Properties", where);
        RefuseUnknown(properties, where + ".Properties", "RestApiId", "Path", "Method", "Auth", "RequestParameters");
        if (!properties.TryGetProperty("RestApiId", out var restApi) || !IsRefTo(restApi, apiId))
            throw new GatewayTemplateException($"{where}.Properties.RestApiId must be {{\"Ref\": \"{apiId}\"}} (the implicit API is not played).");
        var path = LiteralString(properties, "Path", where + ".Properties") ?? throw new GatewayTemplateException($"{where}.Properties.Path is required.");
        var method = LiteralString(properties, "Method", where + ".Properties") ?? throw new GatewayTemplateException($"{where}.Properties.Method is required.");
        if (!path.StartsWith('/')) throw new GatewayTemplateException($"{where}.Properties.Path '{path}' must start with '/'.");

        var name = defaultAuthorizer;
        if (properties.TryGetProperty("Auth", out var auth))
        {
            RefuseUnknown(auth, where + ".Properties.Auth", "Authorizer");
            name = LiteralString(auth, "Authorizer", where + ".Properties.Auth") ?? name;
        }
        if (name is null or "NONE") return new GatewayRoute(method, path, null);
        return authorizers.TryGetValue(name, out var authorizer)
            ? new GatewayRoute(method, path, authorizer)
            : throw new GatewayTemplateException($"{where}.Properties.Auth.Authorizer names '{name}', which is not under Auth.Authorizers.");
    }

    private static (AuthorizerDefinition, string Function) ReadAuthorizer(string name, JsonElement az, string where)
    {
        RefuseUnknown(az, where, "FunctionArn", "FunctionPayloadType", "Identity", "FunctionInvokeRole");
        var type = (LiteralString(az, "FunctionPayloadType", where) ?? "TOKEN") switch
        {
            "TOKEN" => AuthorizerType.Token,
            "REQUEST" => AuthorizerType.Request,
            var other => throw new GatewayTemplateException($"{where}.FunctionPayloadType '{other}' is not TOKEN or REQUEST."),
        };
        if (!az.TryGetProperty("FunctionArn", out var arn) || arn.ValueKind != JsonValueKind.Object ||
            !arn.TryGetProperty("Fn::GetAtt", out var getAtt) || getAtt.ValueKind != JsonValueKind.Array ||
            getAtt.GetArrayLength() != 2 || getAtt[0].ValueKind != JsonValueKind.String)
        {
            throw new GatewayTemplateException($"{where}.FunctionArn must be {{\"Fn::GetAtt\": [\"<function>\", \"Arn\"]}}.");
        }

        var identity = az.TryGetProperty("Identity", out var id) ? id : default;
        var ttl = 300;
        var sources = new List<IdentitySource>();
        Regex? validation = null;
        if (type == AuthorizerType.Token)
        {
            RefuseUnknown(identity, where + ".Identity", "Header", "ReauthorizeEvery", "ValidationExpression");
            sources.Add(IdentitySource.Header(LiteralString(identity, "Header", where + ".Identity") ?? "Authorization"));
            if (LiteralString(identity, "ValidationExpression", where + ".Identity") is { } pattern)
            {
                try { validation = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromMilliseconds(100)); }
                catch (ArgumentException ex) { throw new GatewayTemplateException($"{where}.Identity.ValidationExpression is not a valid regular expression: {ex.Message}"); }
            }
        }
        else
        {
            RefuseUnknown(identity, where + ".Identity", "Headers", "QueryStrings", "ReauthorizeEvery");
            sources.AddRange(Strings(identity, "Headers", where + ".Identity").Select(IdentitySource.Header));
            sources.AddRange(Strings(identity, "QueryStrings", where + ".Identity").Select(IdentitySource.Query));
        }
        if (identity.ValueKind == JsonValueKind.Object && identity.TryGetProperty("ReauthorizeEvery", out var every))
        {
            if (every.ValueKind != JsonValueKind.Number || !every.TryGetInt32(out ttl) || ttl is < 0 or > 3600)
                throw new GatewayTemplateException($"{where}.Identity.ReauthorizeEvery must be a number of seconds from 0 to 3600.");
        }
        if (sources.Count == 0 && ttl > 0)
            throw new GatewayTemplateException($"{where}.Identity: a cached REQUEST authorizer needs at least one identity source.");
        return (new AuthorizerDefinition(name, type, sources, TimeSpan.FromSeconds(ttl), validation), getAtt[0].GetString()!);
    }

    private static GatewayResponses ReadGatewayResponses(JsonElement api, string where)
    {
        var overrides = new Dictionary<string, GatewayResponseTemplate>(StringComparer.Ordinal);
        if (!api.TryGetProperty("GatewayResponses", out var responses)) return new GatewayResponses(overrides);
        foreach (var response in responses.EnumerateObject())
        {
            var at = $"{where}.{response.Name}";
            RefuseUnknown(response.Value, at, "StatusCode", "ResponseTemplates", "ResponseParameters");
            var status = 0;
            if (response.Value.TryGetProperty("StatusCode", out var s) &&
                !(s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out status) || s.ValueKind == JsonValueKind.String && int.TryParse(s.GetString(), out status)))
            {
                throw new GatewayTemplateException($"{at}.StatusCode must be a literal status code.");
            }
            var body = "";
            if (response.Value.TryGetProperty("ResponseTemplates", out var templates))
                body = LiteralString(templates, "application/json", at + ".ResponseTemplates") ?? "";
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (response.Value.TryGetProperty("ResponseParameters", out var parameters))
            {
                RefuseUnknown(parameters, at + ".ResponseParameters", "Headers");
                if (parameters.TryGetProperty("Headers", out var hs))
                {
                    foreach (var h in hs.EnumerateObject())
                    {
                        // Header values are mapping expressions; the stage plays static ones: a single-quoted literal.
                        var value = h.Value.ValueKind == JsonValueKind.String ? h.Value.GetString()! : "";
                        if (value.Length < 2 || value[0] != '\'' || value[^1] != '\'')
                            throw new GatewayTemplateException($"{at}.ResponseParameters.Headers.{h.Name} must be a static '...' value.");
                        headers[h.Name] = value[1..^1];
                    }
                }
            }
            overrides[response.Name] = new GatewayResponseTemplate(status, body, headers);
        }
        return new GatewayResponses(overrides);
    }

    private static JsonElement Object(JsonElement parent, string name, string where)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object)
            throw new GatewayTemplateException($"{where}.{name} must be an object.");
        return value;
    }

    /// <summary>A plain string value, null when absent; an intrinsic function or other type is refused.</summary>
    private static string? LiteralString(JsonElement parent, string name, string where)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value)) return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new GatewayTemplateException($"{where}.{name} must be a literal string (the stage does not evaluate {value.ValueKind} values or intrinsic functions there).");
    }

    private static IEnumerable<string> Strings(JsonElement parent, string name, string where)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value)) return [];
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            throw new GatewayTemplateException($"{where}.{name} must be a list of literal strings.");
        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static void RefuseUnknown(JsonElement element, string where, params string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object) return;
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
                throw new GatewayTemplateException($"{where}.{property.Name} is not supported by the local stage (it plays: {string.Join(", ", known)}).");
        }
    }

    private static bool IsRefTo(JsonElement value, string logicalId) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("Ref", out var r) && r.ValueKind == JsonValueKind.String && r.GetString() == logicalId;

    private static string? TypeOf(JsonElement resource) =>
        resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("Type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
}
