using System.Text.Json;
using System.Text.Json.Serialization;
using SecureApi.Lambda.Core;

namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>Lambda-Runtime-Cognito-Identity JSON.</summary>
internal sealed class CognitoIdentityJson : ICognitoIdentity
{
    [JsonPropertyName("cognitoIdentityId")] public string? IdentityId { get; set; }
    [JsonPropertyName("cognitoIdentityPoolId")] public string? IdentityPoolId { get; set; }

    /// <summary>Null for a missing header; a malformed one also reads as absent rather than failing the invoke.</summary>
    public static CognitoIdentityJson? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, RuntimeJsonContext.Default.CognitoIdentityJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
