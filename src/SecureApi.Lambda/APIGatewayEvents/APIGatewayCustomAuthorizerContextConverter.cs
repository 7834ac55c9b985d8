using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureApi.Lambda.APIGatewayEvents;

/// <summary>
/// Reads <c>requestContext.authorizer</c> into the values the local stage puts there (docs/wire-contracts.md §3.8):
/// a string as <see cref="string"/>, an integer as <see cref="long"/>, true/false as <see cref="bool"/>, null as null;
/// anything else (a Cognito <c>claims</c> object, an array, a number with a fraction or an exponent) as a
/// <see cref="JsonElement"/> of its own, so it writes back as it was written. API Gateway stringifies every context
/// value, so on a real event only <c>integrationLatency</c> is not a string. One JSON document per event was most of
/// a protected invocation's extra cost over a public one, and a string was then transcoded again on every read
/// (bench/README.md#the-protected-paths-cost). Writes as the default does: every value through the <c>object</c>
/// converter.
/// </summary>
internal sealed class APIGatewayCustomAuthorizerContextConverter : JsonConverter<APIGatewayCustomAuthorizerContext>
{
    // principalId, integrationLatency and the keys our authorizers write (AuthorizerContextKeys): no growth.
    private const int UsualEntries = 11;

    public override APIGatewayCustomAuthorizerContext Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"requestContext.authorizer must be a JSON object, not {reader.TokenType}.");
        var context = new APIGatewayCustomAuthorizerContext();
        context.EnsureCapacity(UsualEntries);
        // The serializer hands a custom converter the whole object, so the reader never runs out of data here.
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            context[key] = ReadValue(ref reader); // a repeated key: the last one wins, as with the default reading
        }
        return context;
    }

    private static object? ReadValue(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number when IsPlainInteger(reader.ValueSpan) && reader.TryGetInt64(out var integer) => integer,
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => JsonElement.ParseValue(ref reader),
    };

    // "12" but not "-0", "1.0" or "1e3": a long writes back exactly as such a number was written.
    private static bool IsPlainInteger(ReadOnlySpan<byte> number) =>
        number.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 && !number.SequenceEqual("-0"u8);

    public override void Write(Utf8JsonWriter writer, APIGatewayCustomAuthorizerContext value, JsonSerializerOptions options)
    {
        var any = options.GetTypeInfo(typeof(object));
        writer.WriteStartObject();
        foreach (var (key, item) in value)
        {
            writer.WritePropertyName(key);
            JsonSerializer.Serialize(writer, item, any);
        }
        writer.WriteEndObject();
    }
}
