using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecureApi.TokenService.Saml;

namespace SecureApi.TokenService.Tokens;

/// <summary>
/// Mints the RS256 access token for a validated assertion: iss/aud from the settings, sub = "{IdP name}:{NameID}"
/// (two IdPs' users never share a subject), roles and permissions from the mapped attributes, amr and auth_time from
/// the AuthnStatement, exp ≤ both the configured lifetime and the assertion's own end.
/// </summary>
public sealed class TokenMinter(SamlOptions options, ITokenSigner signer, TimeProvider time)
{
    public sealed record MintedToken(string AccessToken, int ExpiresIn, string Scope);

    public async Task<MintedToken> MintAsync(ValidatedAssertion assertion, IReadOnlyList<string> permissions, string scope, CancellationToken ct)
    {
        var idp = assertion.IdentityProvider;
        var now = time.GetUtcNow();
        var expires = now + options.TokenLifetime;
        if (assertion.NotOnOrAfter < expires) expires = assertion.NotOnOrAfter;
        var expiresIn = (int)Math.Max(1, Math.Floor((expires - now).TotalSeconds));
        var key = await signer.PublicKeyAsync(ct).ConfigureAwait(false);

        var header = Json(w =>
        {
            w.WriteString("alg", "RS256");
            w.WriteString("typ", "JWT");
            w.WriteString("kid", key.KeyId);
        });
        var payload = Json(w =>
        {
            w.WriteString("iss", options.TokenIssuer);
            w.WriteString("aud", options.TokenAudience);
            w.WriteString("sub", idp.Name + ":" + assertion.NameId);
            w.WriteNumber("iat", now.ToUnixTimeSeconds());
            w.WriteNumber("nbf", now.ToUnixTimeSeconds());
            w.WriteNumber("exp", now.ToUnixTimeSeconds() + expiresIn);
            w.WriteString("jti", SigningKey.Base64Url(RandomNumberGenerator.GetBytes(16)));
            w.WriteString("idp", idp.Name);
            Array(w, "roles", idp.MapRoles(assertion.AttributeValues(idp.RoleAttribute)).Distinct(StringComparer.Ordinal));
            Array(w, "permissions", permissions);
            if (scope.Length > 0) w.WriteString("scope", scope);
            Array(w, "amr", AuthnContextAmr.For(assertion.AuthnContextClassRef));
            if (assertion.AuthnInstant is { } authnInstant) w.WriteNumber("auth_time", authnInstant.ToUnixTimeSeconds());
        });
        var signingInput = SigningKey.Base64Url(header) + "." + SigningKey.Base64Url(payload);
        var signature = await signer.SignAsync(Encoding.ASCII.GetBytes(signingInput), ct).ConfigureAwait(false);
        return new MintedToken(signingInput + "." + SigningKey.Base64Url(signature), expiresIn, scope);
    }

    private static void Array(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        var list = values.ToList();
        if (list.Count == 0) return;
        w.WriteStartArray(name);
        foreach (var value in list) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
