using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureApi.Endpoints;

/// <summary>Source-generated JSON for every response body (no reflection; Native AOT safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PublicResponse))]
[JsonSerializable(typeof(ProtectedResponse))]
[JsonSerializable(typeof(AdminResponse))]
internal sealed partial class SecureApiJsonContext : JsonSerializerContext
{
}
