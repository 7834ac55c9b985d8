using System.Text;

namespace SecureApi.Authorizers.Directory;

/// <summary>
/// `Authorization: Basic base64(user:password)` (RFC 7617), with the refusals made before any bind: an empty password
/// (many directories treat it as an anonymous bind that succeeds), a user name empty, over 256 characters or with
/// control characters or surrounding spaces, and anything that is not well-formed base64 of UTF-8.
/// </summary>
internal readonly record struct BasicCredential(string UserName, string Password)
{
    public const int MaxUserNameLength = 256;
    private const int MaxEncodedLength = 4096;

    /// <summary>True when the header uses the Basic scheme (whatever follows); other schemes are not ours.</summary>
    public static bool IsBasic(string authorization) =>
        authorization.Length > 6 && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);

    public static bool TryParse(string authorization, out BasicCredential credential)
    {
        credential = default;
        var encoded = authorization.AsSpan(6).Trim(' ');
        if (encoded.Length is 0 or > MaxEncodedLength) return false;
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var length)) return false;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (ArgumentException)
        {
            return false;
        }
        finally
        {
            Array.Clear(bytes);
        }
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false; // no user name, or an empty password
        var user = text[..colon];
        // Surrounding spaces are insignificant to LDAP's matching rules: "alice " would bind as alice yet count apart.
        if (user.Length > MaxUserNameLength || user.Any(char.IsControl) || char.IsWhiteSpace(user[0]) || char.IsWhiteSpace(user[^1])) return false;
        credential = new BasicCredential(user, text[(colon + 1)..]);
        return true;
    }

    // The password never reaches a log line, a record's ToString or an exception message.
    public override string ToString() => nameof(BasicCredential);
}
