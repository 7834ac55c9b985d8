using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace SecureApi.Authorizers;

/// <summary>The registry entry a token's iss picked, and the tenant of the entra issuer form it matched.</summary>
internal readonly record struct IssuerMatch(TrustedIssuer Issuer, string? TenantId);

/// <summary>
/// The trusted issuers (TokenAuthorizer__Issuers__N__…, and the single-issuer settings as "default"). The token's
/// unverified iss picks exactly one entry before anything else is done with the token: an unknown iss is refused
/// without a key lookup or any network request, and reading it allocates nothing (the payload is decoded into a
/// stack or pooled buffer and compared as UTF-8, escapes included, by Utf8JsonReader).
/// </summary>
internal sealed class IssuerRegistry
{
    private const int StackLimit = 1024;
    private readonly (byte[] Iss, IssuerMatch Match)[] _byIss;

    public IReadOnlyList<TrustedIssuer> Issuers { get; }

    public IssuerRegistry(IReadOnlyList<TrustedIssuer> issuers)
    {
        Issuers = issuers;
        _byIss = [.. issuers.SelectMany(i => i.AcceptedIssuers.Select(a => (Encoding.UTF8.GetBytes(a.Iss), new IssuerMatch(i, a.TenantId))))];
    }

    public static IssuerRegistry Create(TokenAuthorizerOptions options, HttpClient? http, TimeProvider time) =>
        new([.. options.AllIssuers().Select(i => new TrustedIssuer(i, options, http, time))]);

    /// <summary>The entry whose accepted iss equals the payload's iss (a JSON string given exactly once).</summary>
    public bool TrySelect(ReadOnlySpan<char> encodedPayload, out IssuerMatch match)
    {
        match = default;
        var max = Base64Url.GetMaxDecodedLength(encodedPayload.Length);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            if (Base64Url.DecodeFromChars(encodedPayload, buffer, out _, out var written) != OperationStatus.Done) return false;
            return Find(buffer[..written], out match);
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

    private bool Find(ReadOnlySpan<byte> json, out IssuerMatch match)
    {
        match = default;
        var found = false;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIss = reader.ValueTextEquals("iss"u8);
            if (!reader.Read()) return false;
            if (!isIss)
            {
                reader.Skip();
                continue;
            }
            if (found || reader.TokenType != JsonTokenType.String) return false; // a second iss is never chosen between
            foreach (var (iss, candidate) in _byIss)
            {
                if (!reader.ValueTextEquals(iss)) continue;
                match = candidate;
                found = true;
                break;
            }
            if (!found) return false;
        }
        return found && reader.TokenType == JsonTokenType.EndObject;
    }
}
