using System.Text.Json;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// The function side of serverless.template (code location, handler, runtime, environment, parameters), read with
/// System.Text.Json from the JSON template at the repository root. The API Gateway side (methods, authorizers,
/// gateway responses) is read by the local stage itself: SecureApi.LocalGateway.Template.ServerlessTemplateReader.
/// </summary>
public sealed record ServerlessTemplate(
    IReadOnlyDictionary<string, TemplateFunction> Functions,
    JsonElement Parameters,
    JsonElement Conditions)
{
    public static ServerlessTemplate Load() => Parse(File.ReadAllText(RepositoryRoot.TemplatePath));

    public static ServerlessTemplate Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var resources = doc.RootElement.GetProperty("Resources");
        var globals = doc.RootElement.TryGetProperty("Globals", out var g) && g.TryGetProperty("Function", out var gf) ? gf : default;

        var functions = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal);
        foreach (var res in resources.EnumerateObject().Where(r => Type(r.Value) == "AWS::Serverless::Function"))
        {
            var p = res.Value.GetProperty("Properties");
            var env = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (p.TryGetProperty("Environment", out var e) && e.TryGetProperty("Variables", out var vars))
                foreach (var v in vars.EnumerateObject()) env[v.Name] = v.Value.Clone();
            functions[res.Name] = new TemplateFunction(
                res.Name, Str(p, "CodeUri") ?? "", Str(p, "Handler") ?? "",
                Str(p, "Runtime") ?? Str(globals, "Runtime") ?? "", env, p.Clone(), Str(res.Value, "Condition"));
        }

        var root = doc.RootElement;
        return new ServerlessTemplate(functions,
            root.TryGetProperty("Parameters", out var ps) ? ps.Clone() : default,
            root.TryGetProperty("Conditions", out var cs) ? cs.Clone() : default);
    }

    /// <summary>Whether CloudFormation creates the function for these parameter values (others take their Default): its Condition holds.</summary>
    public bool IsCreated(string logicalId, IReadOnlyDictionary<string, string>? parameterValues = null) =>
        Functions[logicalId].Condition is not { } condition
        || (bool)Evaluate(Conditions.GetProperty(condition), parameterValues ?? new Dictionary<string, string>())!;

    /// <summary>
    /// A function's environment variables as CloudFormation resolves them for the given parameter values (others
    /// take their Default): Ref, Fn::If, Fn::Not, Fn::Equals, Fn::Sub, Fn::Join/Select/Split over parameters, and AWS::NoValue (omitted).
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
                        // A resource's Ref (e.g. the table's name): its logical id stands in for the physical name.
                        if (Parameters.ValueKind != JsonValueKind.Object || !Parameters.TryGetProperty(name, out _)) return name;
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
                    case "Fn::Join":
                        return string.Join(fn.Value[0].GetString(), fn.Value[1].EnumerateArray().Select(part => (string)Evaluate(part, values)!));
                    case "Fn::Select":
                        return ((string[])Evaluate(fn.Value[1], values)!)[fn.Value[0].GetInt32()];
                    case "Fn::Split":
                        return ((string)Evaluate(fn.Value[1], values)!).Split(fn.Value[0].GetString()!);
                    case "Fn::Sub":
                        return System.Text.RegularExpressions.Regex.Replace(fn.Value.GetString()!, @"\$\{([A-Za-z0-9:]+)\}",
                            m => (string)Evaluate(JsonDocument.Parse($"{{\"Ref\":\"{m.Groups[1].Value}\"}}").RootElement, values)!);
                }
                break;
        }
        throw new NotSupportedException($"Template expression not supported here: {e.GetRawText()}");
    }

    private static string? Type(JsonElement resource) => Str(resource, "Type");

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

public sealed record TemplateFunction(
    string LogicalId, string CodeUri, string Handler, string Runtime,
    IReadOnlyDictionary<string, JsonElement> Environment, JsonElement Properties, string? Condition = null);
