using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureApi.Lambda.APIGatewayEvents;

/// <summary>
/// Source-generated (reflection-free, AOT-safe) JSON metadata for every API Gateway event type.
/// camelCase names, case-insensitive reads, nulls omitted on write: what AWS sends and accepts.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(APIGatewayProxyRequest))]
[JsonSerializable(typeof(APIGatewayProxyResponse))]
[JsonSerializable(typeof(APIGatewayCustomAuthorizerRequest))]
[JsonSerializable(typeof(APIGatewayCustomAuthorizerResponse))]
// Runtime types that can sit in the object-valued context dictionaries.
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(JsonElement))]
public partial class APIGatewayEventsJsonContext : JsonSerializerContext
{
}
