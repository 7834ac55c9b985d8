using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureApi.Lambda.APIGatewayEvents;

/// <summary>
/// Reads <c>requestContext.authorizer</c> into one <see cref="JsonDocument"/> whose property values become the
/// entries, each still a <see cref="JsonElement"/> as the dictionary's default reading gives them. The default
/// reading parses every value into a document of its own (a copy of its bytes and a metadata table each): on every
/// protected invocation that was most of the event's extra cost over a public one (bench/README.md). Writes as
/// the default does: every value through the <c>object</c> converter.
/// </summary>
internal sealed class APIGatewayCustomAuthorizerContextConverter : JsonConverter<APIGatewayCustomAuthorizerContext>
{
    public override APIGatewayCustomAuthorizerContext Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"requestContext.authorizer must be a JSON object, not {reader.TokenType}.");
        // The document stays alive through the elements that reference it; it is not disposed (nothing is pooled:
        // ParseValue copies the bytes into arrays of its own), as with the elements of the default reading.
        var whole = JsonElement.ParseValue(ref reader);
        var context = new APIGatewayCustomAuthorizerContext();
        context.EnsureCapacity(whole.GetPropertyCount()); // sized once: growing from 3 to 7 entries rehashed and reallocated
        foreach (var property in whole.EnumerateObject())
            context[property.Name] = property.Value; // a repeated key: the last one wins, as with the default reading
        return context;
    }

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
