using System.Text.Json.Serialization;

namespace SecureApi.Authorizers;

/// <summary>
/// An accepted API key or X-Custom-Auth value, stored only as the SHA-256 (hex) of its UTF-8 bytes
/// (<c>printf %s 'the-key' | sha256sum</c>), with the identity it grants.
/// </summary>
public sealed class HashedCredential
{
    [JsonPropertyName("sha256")] public string? Sha256 { get; set; }
    [JsonPropertyName("principalId")] public string? PrincipalId { get; set; }
    [JsonPropertyName("role")] public string? Role { get; set; }
    /// <summary>Comma-separated, e.g. "read,write".</summary>
    [JsonPropertyName("permissions")] public string? Permissions { get; set; }
}

/// <summary>Source-generated JSON for the single-string form of ApiKeys / CustomHeaderValues.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(List<HashedCredential>))]
internal sealed partial class AuthorizerConfigJsonContext : JsonSerializerContext;
