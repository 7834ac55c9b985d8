using System.Text.Json;
using System.Text.Json.Serialization;
using SecureApi.Lambda.Core;

namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>Lambda-Runtime-Client-Context JSON (snake_case client keys, as the mobile SDKs send them).</summary>
internal sealed class ClientContextJson : IClientContext
{
    [JsonPropertyName("client")] public ClientApplicationJson? ClientJson { get; set; }
    [JsonPropertyName("custom")] public Dictionary<string, string>? Custom { get; set; }
    [JsonPropertyName("env")] public Dictionary<string, string>? Environment { get; set; }

    IClientApplication? IClientContext.Client => ClientJson;
    IDictionary<string, string>? IClientContext.Custom => Custom;
    IDictionary<string, string>? IClientContext.Environment => Environment;

    /// <summary>Null for a missing header; a malformed one also reads as absent rather than failing the invoke.</summary>
    public static ClientContextJson? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, RuntimeJsonContext.Default.ClientContextJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed class ClientApplicationJson : IClientApplication
{
    [JsonPropertyName("installation_id")] public string? InstallationId { get; set; }
    [JsonPropertyName("app_title")] public string? AppTitle { get; set; }
    [JsonPropertyName("app_version_name")] public string? AppVersionName { get; set; }
    [JsonPropertyName("app_version_code")] public string? AppVersionCode { get; set; }
    [JsonPropertyName("app_package_name")] public string? AppPackageName { get; set; }
}
