using System.Text.Json.Serialization;

namespace SecureApi.Lambda.RuntimeSupport;

/// <summary>Source-generated JSON for the runtime's own payloads: no reflection, AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LambdaErrorReport.ExceptionInfo))]
[JsonSerializable(typeof(ClientContextJson))]
[JsonSerializable(typeof(CognitoIdentityJson))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext
{
}
