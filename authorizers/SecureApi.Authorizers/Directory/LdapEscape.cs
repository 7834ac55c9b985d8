using System.Text;

namespace SecureApi.Authorizers.Directory;

/// <summary>
/// A user's value placed into a DN (RFC 4514) or a search filter (RFC 4515) as data, never as syntax: the only
/// way a user name reaches the directory. Control characters are refused earlier (<see cref="BasicCredential"/>).
/// </summary>
internal static class LdapEscape
{
    /// <summary>RFC 4514 §2.4: ,+"\&lt;&gt;;= escaped anywhere, '#' and space when leading, space when trailing; NUL * ( ) as hex pairs.</summary>
    public static string DnValue(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '\0' or '*' or '(' or ')') sb.Append('\\').Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); // hex pairs: valid in any DN value, and no filter syntax survives
            else if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '='
                     || (i == 0 && c is '#' or ' ') || (i == value.Length - 1 && c == ' '))
                sb.Append('\\').Append(c);
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>RFC 4515 §3: '*', '(', ')', '\' and NUL as \2a \28 \29 \5c \00.</summary>
    public static string FilterValue(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '*' => "\\2a",
                '(' => "\\28",
                ')' => "\\29",
                '\\' => "\\5c",
                '\0' => "\\00",
                _ => null,
            } ?? c.ToString());
        }
        return sb.ToString();
    }

    /// <summary>The value of a DN's first RDN, unescaped ("cn=Domain Admins,ou=…" → "Domain Admins"); null when not a DN.</summary>
    public static string? FirstRdnValue(string dn)
    {
        var eq = dn.IndexOf('=');
        if (eq <= 0) return null;
        var sb = new StringBuilder();
        for (var i = eq + 1; i < dn.Length; i++)
        {
            var c = dn[i];
            if (c is ',' or '+') break;
            if (c == '\\' && i + 1 < dn.Length)
            {
                if (i + 2 < dn.Length && char.IsAsciiHexDigit(dn[i + 1]) && char.IsAsciiHexDigit(dn[i + 2]))
                {
                    sb.Append((char)Convert.ToByte(dn.Substring(i + 1, 2), 16)); // ASCII escapes only; multi-byte escapes stay rare in group CNs
                    i += 2;
                }
                else sb.Append(dn[++i]);
            }
            else sb.Append(c);
        }
        return sb.ToString().Trim();
    }
}
