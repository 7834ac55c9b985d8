using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace SecureApi.Authorizers;

/// <summary>
/// JSON type checks Microsoft.IdentityModel does not make (it reads "kid": null as no kid, a string exp as a number
/// and a numeric sub as a string). One forward pass over the decoded segment, no allocations for a normal header.
/// Header (RFC 7515 §4.1): alg, kid, typ, cty are strings; crit is an array of strings.
/// Payload (RFC 7519 §4.1): exp, nbf, iat are JSON numbers (NumericDate); sub is a string.
/// Members that occur more than once are checked every time they occur.
/// </summary>
internal static class JoseShape
{
    private const int StackLimit = 512;

    public static bool HeaderIsWellTyped(ReadOnlySpan<char> encoded) => Check(encoded, header: true);

    public static bool RegisteredClaimsAreWellTyped(ReadOnlySpan<char> encoded) => Check(encoded, header: false);

    private static bool Check(ReadOnlySpan<char> encoded, bool header)
    {
        var max = Base64Url.GetMaxDecodedLength(encoded.Length);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            if (Base64Url.DecodeFromChars(encoded, buffer, out _, out var written) != OperationStatus.Done) return false;
            return header ? HeaderMembers(buffer[..written]) : PayloadMembers(buffer[..written]);
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool HeaderMembers(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var mustBeString = reader.ValueTextEquals("alg"u8) || reader.ValueTextEquals("kid"u8) ||
                               reader.ValueTextEquals("typ"u8) || reader.ValueTextEquals("cty"u8);
            var isCrit = reader.ValueTextEquals("crit"u8);
            if (!reader.Read()) return false;
            if (mustBeString && reader.TokenType != JsonTokenType.String) return false;
            if (isCrit)
            {
                if (reader.TokenType != JsonTokenType.StartArray) return false;
                while (reader.Read() && reader.TokenType == JsonTokenType.String) { }
                if (reader.TokenType != JsonTokenType.EndArray) return false;
            }
            else reader.Skip();
        }
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool PayloadMembers(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var mustBeNumber = reader.ValueTextEquals("exp"u8) || reader.ValueTextEquals("nbf"u8) || reader.ValueTextEquals("iat"u8);
            var mustBeString = reader.ValueTextEquals("sub"u8);
            if (!reader.Read()) return false;
            if (mustBeNumber && reader.TokenType != JsonTokenType.Number) return false;
            if (mustBeString && reader.TokenType != JsonTokenType.String) return false;
            reader.Skip();
        }
        return reader.TokenType == JsonTokenType.EndObject;
    }
}
