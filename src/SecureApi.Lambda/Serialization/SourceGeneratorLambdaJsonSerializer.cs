using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SecureApi.Lambda.Core;

namespace SecureApi.Lambda.Serialization;

/// <summary>
/// <see cref="ILambdaSerializer"/> over a source-generated <see cref="JsonSerializerContext"/>: reflection-free
/// and AOT/trim safe. Settings match the official serializer: case-insensitive reads, nulls omitted on write,
/// relaxed escaping (no \u002B for '+' in tokens and ARNs). The context's own naming policy is kept.
/// </summary>
public sealed class SourceGeneratorLambdaJsonSerializer<
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)] TContext>
    : ILambdaSerializer
    where TContext : JsonSerializerContext, new()
{
    private readonly TContext _context;

    public SourceGeneratorLambdaJsonSerializer()
        : this(static _ => { })
    {
    }

    /// <param name="customize">Adjusts the options before they are bound to the context.</param>
    public SourceGeneratorLambdaJsonSerializer(Action<JsonSerializerOptions> customize)
    {
        ArgumentNullException.ThrowIfNull(customize);
        // Start from the context's [JsonSourceGenerationOptions] (naming policy, converters), then apply ours.
        var options = new JsonSerializerOptions(GeneratedOptions())
        {
            TypeInfoResolver = null,
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        customize(options);
        _context = (TContext)Activator.CreateInstance(typeof(TContext), options)!;
    }

    /// <summary>
    /// The generated options live on the generator's static <c>Default</c> instance; a context built with
    /// <c>new TContext()</c> or custom options does not carry them. Reading a public static property of a type
    /// annotated with PublicProperties is trim-safe.
    /// </summary>
    private static JsonSerializerOptions GeneratedOptions()
        => typeof(TContext).GetProperty("Default", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
               ?.GetValue(null) is JsonSerializerContext generated
            ? generated.Options
            : new TContext().Options;

    /// <summary>The context bound to this serializer's options.</summary>
    public TContext Context => _context;

    public T Deserialize<T>(Stream requestStream)
    {
        var typeInfo = TypeInfo<T>();
        try
        {
            return JsonSerializer.Deserialize(requestStream, typeInfo)!;
        }
        catch (JsonException ex)
        {
            throw new JsonSerializerException(
                $"Error converting the Lambda event JSON payload to type {typeof(T).Name}: invalid at path {ex.Path ?? "$"}, " +
                $"line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0}.", ex);
        }
    }

    public void Serialize<T>(T response, Stream responseStream)
        => JsonSerializer.Serialize(responseStream, response, TypeInfo<T>());

    private JsonTypeInfo<T> TypeInfo<T>()
        => _context.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new JsonException(
                $"{typeof(T).Name} is not registered on {typeof(TContext).Name}; add [JsonSerializable(typeof({typeof(T).Name}))].");
}
