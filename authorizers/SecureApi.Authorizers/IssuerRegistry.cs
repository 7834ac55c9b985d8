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
/// stack or pooled buffer and its iss looked up as UTF-8). Selection is one hash lookup, so a decision costs the
/// same with six issuers as with one.
/// </summary>
internal sealed class IssuerRegistry
{
    private const int StackLimit = 1024;
    private const int EscapedIssStackLimit = 256;
    private readonly Dictionary<byte[], IssuerMatch>.AlternateLookup<ReadOnlySpan<byte>> _byIss; // keyed by the UTF-8 iss

    public IReadOnlyList<TrustedIssuer> Issuers { get; }

    public IssuerRegistry(IReadOnlyList<TrustedIssuer> issuers)
    {
        Issuers = issuers;
        var byIss = new Dictionary<byte[], IssuerMatch>(Utf8Ordinal.Instance);
        foreach (var issuer in issuers)
            foreach (var (iss, tenantId) in issuer.AcceptedIssuers)
                byIss.TryAdd(Encoding.UTF8.GetBytes(iss), new IssuerMatch(issuer, tenantId)); // the first entry of an iss keeps it
        _byIss = byIss.GetAlternateLookup<ReadOnlySpan<byte>>();
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
            if (!Lookup(ref reader, out match)) return false;
            found = true;
        }
        return found && reader.TokenType == JsonTokenType.EndObject;
    }

    /// <summary>The entry of the current string value, compared as unescaped UTF-8 (ordinal, exact).</summary>
    private bool Lookup(ref Utf8JsonReader reader, out IssuerMatch match)
    {
        if (!reader.ValueIsEscaped) return _byIss.TryGetValue(reader.ValueSpan, out match);
        // An escaped iss (\/, \u…) is unescaped first; unescaped, it is never longer than escaped.
        var length = reader.ValueSpan.Length;
        byte[]? rented = null;
        var buffer = length <= EscapedIssStackLimit ? stackalloc byte[EscapedIssStackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            return _byIss.TryGetValue(buffer[..reader.CopyString(buffer)], out match);
        }
        catch (InvalidOperationException)
        {
            match = default; // an escape that is no valid UTF-8 text matches nothing
            return false;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
