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
}

/// <summary>
/// <c>requestContext.authorizer</c> as the backend receives it. Values deserialize as
/// <see cref="System.Text.Json.JsonElement"/>; use <see cref="GetString"/> to read one as text.
/// </summary>
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
    public string? GetString(string key) => TryGetValue(key, out var value) ? ValueToString(value) : null;

    internal static string? ValueToString(object? value) => value switch
    {
        null => null,
        string s => s,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } e => e.GetString(),
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Null } => null,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.True } => "true",
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.False } => "false",
        System.Text.Json.JsonElement e => e.GetRawText(),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
