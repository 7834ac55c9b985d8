using System.Text.Json.Serialization;

namespace SecureApi.LocalGateway;

[JsonSerializable(typeof(string))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
