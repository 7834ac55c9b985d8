using System.Text.Json;

namespace SecureApi.Lambda.Serialization;

/// <summary>
/// The event could not be read as the handler's input type. Its message names the type and position only:
/// System.Text.Json messages quote the offending bytes, which may be part of a credential, and the runtime
/// logs this message.
/// </summary>
public sealed class JsonSerializerException(string message, JsonException inner) : JsonException(message, inner);
