using System.Text.Json.Serialization;

namespace SecureApi.Lambda.APIGatewayEvents;

/// <summary>
/// An authorizer's answer: principal, IAM policy and context. A missing principalId or policy, or a
/// context value that is not a string, number or boolean, makes API Gateway answer 500.
/// </summary>
public class APIGatewayCustomAuthorizerResponse
{
    [JsonPropertyName("principalId")]
    public string? PrincipalID { get; set; }

    [JsonPropertyName("policyDocument")]
    public APIGatewayCustomAuthorizerPolicy? PolicyDocument { get; set; }

    [JsonPropertyName("context")]
    public APIGatewayCustomAuthorizerContextOutput? Context { get; set; }

    /// <summary>Used only when the API's apiKeySource is AUTHORIZER.</summary>
    [JsonPropertyName("usageIdentifierKey")]
    public string? UsageIdentifierKey { get; set; }
}

/// <summary>The IAM policy document. Its JSON names are PascalCase, as IAM spells them.</summary>
public class APIGatewayCustomAuthorizerPolicy
{
    [JsonPropertyName("Version")]
    public string Version { get; set; } = "2012-10-17";

    [JsonPropertyName("Statement")]
    public List<IAMPolicyStatement> Statement { get; set; } = [];

    public class IAMPolicyStatement
    {
        [JsonPropertyName("Effect")]
        public string Effect { get; set; } = "Allow";

        [JsonPropertyName("Action")]
        public HashSet<string> Action { get; set; } = [];

        [JsonPropertyName("Resource")]
        public HashSet<string>? Resource { get; set; }

        [JsonPropertyName("NotResource")]
        public HashSet<string>? NotResource { get; set; }
    }
}

/// <summary>Context returned by the authorizer: values must be string, number or boolean.</summary>
public class APIGatewayCustomAuthorizerContextOutput : Dictionary<string, object>
{
    public APIGatewayCustomAuthorizerContextOutput() { }

    /// <summary>Room for <paramref name="capacity"/> entries without growing (an authorizer knows its key count).</summary>
    public APIGatewayCustomAuthorizerContextOutput(int capacity) : base(capacity) { }
}

/// <summary>
/// <c>requestContext.authorizer</c> as the backend receives it. Values deserialize as
/// <see cref="System.Text.Json.JsonElement"/>; use <see cref="GetString"/> to read one as text.
/// </summary>
[JsonConverter(typeof(APIGatewayCustomAuthorizerContextConverter))]
public class APIGatewayCustomAuthorizerContext : Dictionary<string, object?>
{
    public APIGatewayCustomAuthorizerContext() : base(StringComparer.Ordinal) { }

    [JsonIgnore]
    public string? PrincipalId
    {
        get => GetString("principalId");
        set => this["principalId"] = value;
    }

    /// <summary>A value as text the way API Gateway stringifies it (numbers and booleans included); null when absent.</summary>
    public string? GetString(string key) =>
        !TryGetValue(key, out var value) ? null : TryStringify(value, out var text) ? text : value?.ToString();

    /// <summary>
    /// How API Gateway turns an authorizer's context value into <c>requestContext.authorizer</c> text: strings as
    /// they are, numbers as written, booleans as true/false, null as absent. Objects and arrays are not allowed
    /// (false: API Gateway rejects such a response as an authorizer failure). See docs/wire-contracts.md §3.
    /// </summary>
    public static bool TryStringify(object? value, out string? text)
    {
        text = null;
        switch (value)
        {
            case null: return true;
            case string s: text = s; return true;
            case bool b: text = b ? "true" : "false"; return true;
            case System.Text.Json.JsonElement e:
                switch (e.ValueKind)
                {
                    case System.Text.Json.JsonValueKind.Null: return true;
                    case System.Text.Json.JsonValueKind.String: text = e.GetString(); return true;
                    case System.Text.Json.JsonValueKind.True: text = "true"; return true;
                    case System.Text.Json.JsonValueKind.False: text = "false"; return true;
                    case System.Text.Json.JsonValueKind.Number: text = e.GetRawText(); return true;
                    default: return false;
                }
            case byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal:
                text = ((IFormattable)value).ToString(null, System.Globalization.CultureInfo.InvariantCulture); return true;
            default: return false;
        }
    }
}
