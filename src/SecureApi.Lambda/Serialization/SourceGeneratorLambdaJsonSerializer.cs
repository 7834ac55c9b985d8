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
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TContext> : ILambdaSerializer
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
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = new TContext().Options.PropertyNamingPolicy,
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        customize(options);
        _context = (TContext)Activator.CreateInstance(typeof(TContext), options)!;
    }

    /// <summary>The context bound to this serializer's options.</summary>
    public TContext Context => _context;

    public T Deserialize<T>(Stream requestStream)
        => JsonSerializer.Deserialize(requestStream, TypeInfo<T>())!;

    public void Serialize<T>(T response, Stream responseStream)
        => JsonSerializer.Serialize(responseStream, response, TypeInfo<T>());

    private JsonTypeInfo<T> TypeInfo<T>()
        => _context.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new JsonException(
                $"{typeof(T).Name} is not registered on {typeof(TContext).Name}; add [JsonSerializable(typeof({typeof(T).Name}))].");
}
