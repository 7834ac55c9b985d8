using System.DirectoryServices.Protocols;
using System.Net;

namespace SecureApi.Authorizers.Directory;

/// <summary>What the directory said about one user name and password.</summary>
internal enum DirectoryVerdict { Authenticated, InvalidCredentials, Unavailable }

/// <summary>The answer of one check: for Authenticated, the user's name as the directory spells it and its group values.</summary>
internal sealed record DirectoryAnswer(DirectoryVerdict Verdict, string? Name = null, IReadOnlyList<string>? Groups = null)
{
    public static readonly DirectoryAnswer Invalid = new(DirectoryVerdict.InvalidCredentials);
    public static readonly DirectoryAnswer Unavailable = new(DirectoryVerdict.Unavailable);
}

/// <summary>One blocking check against the directory (the native client has no async API); the caller bounds its time.</summary>
internal interface IDirectoryClient
{
    DirectoryAnswer Check(string userName, string password);
}

/// <summary>
/// The check over System.DirectoryServices.Protocols (the native OpenLDAP client on Linux): one connection per check,
/// TLS before any password is sent, referrals never chased. Either the user's DN comes from BindDnTemplate and the
/// user binds first, or the service account binds, finds the one entry UserFilter matches under UserSearchBase,
/// and the user binds as that entry. Only "invalid credentials" (LDAP 49) is a wrong password; every other failure
/// (network, TLS, timeout, an unexpected answer) is Unavailable. Both end in 401.
/// </summary>
internal sealed class LdapDirectoryClient(DirectoryOptions options, TrustedCaFolder? trustedCas) : IDirectoryClient
{
    private const int InvalidCredentials = 49;
    private readonly TimeSpan _timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds);
    private readonly string[] _attributes = options.NameAttribute is { } name ? [name, options.GroupAttribute] : [options.GroupAttribute];

    public DirectoryAnswer Check(string userName, string password)
    {
        try
        {
            using var connection = Connect();
            SearchResultEntry? entry;
            if (options.SearchesFirst)
            {
                connection.Bind(new NetworkCredential(options.ServiceBindDn, options.ServicePassword));
                entry = FindUser(connection, userName);
                if (entry is null) return DirectoryAnswer.Invalid;
                if (!TryBind(connection, entry.DistinguishedName, password)) return DirectoryAnswer.Invalid;
            }
            else
            {
                var bindName = options.BindDnTemplate!.Replace("{0}", LdapEscape.DnValue(userName), StringComparison.Ordinal);
                if (!TryBind(connection, bindName, password)) return DirectoryAnswer.Invalid;
                entry = options.UserSearchBase is null ? ReadEntry(connection, bindName) : FindUser(connection, userName);
                if (entry is null) return DirectoryAnswer.Unavailable; // bound, yet cannot read itself: a directory ACL, not the user's fault
            }
            return new DirectoryAnswer(DirectoryVerdict.Authenticated, NameOf(entry, userName), Values(entry, options.GroupAttribute));
        }
        catch (Exception e) when (e is LdapException or DirectoryException or InvalidOperationException or IOException)
        {
            return DirectoryAnswer.Unavailable;
        }
    }

    private LdapConnection Connect()
    {
        var url = options.ParsedUrl!;
        var secure = url.Scheme == "ldaps";
        var port = url.IsDefaultPort || url.Port < 0 ? (secure ? 636 : 389) : url.Port;
        var connection = new LdapConnection(new LdapDirectoryIdentifier(url.IdnHost, port, fullyQualifiedDnsHostName: true, connectionless: false))
        {
            AuthType = AuthType.Basic,
            AutoBind = false,
            Timeout = _timeout,
        };
        try
        {
            var session = connection.SessionOptions;
            session.ProtocolVersion = 3;
            session.ReferralChasing = ReferralChasingOptions.None;
            session.SecureSocketLayer = secure;
            if (trustedCas is not null && !OperatingSystem.IsWindows()) // Windows refuses the setting at validation
            {
                session.TrustedCertificatesDirectory = trustedCas.Path;
                session.StartNewTlsSessionContext(); // the folder applies to a fresh TLS context only
            }
            if (options.StartTls)
            {
                // On Linux this S.DS.Protocols opens the connection on its first operation, and StartTLS is not one:
                // an anonymous bind (no secret) opens it, then TLS starts before any password is sent.
                connection.AuthType = AuthType.Anonymous;
                connection.Bind();
                connection.AuthType = AuthType.Basic;
                session.StartTransportLayerSecurity(null);
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static bool TryBind(LdapConnection connection, string name, string password)
    {
        try
        {
            connection.Bind(new NetworkCredential(name, password));
            return true;
        }
        catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
        {
            return false;
        }
    }

    private SearchResultEntry? FindUser(LdapConnection connection, string userName)
    {
        var filter = options.UserFilter!.Replace("{0}", LdapEscape.FilterValue(userName), StringComparison.Ordinal);
        var request = new SearchRequest(options.UserSearchBase, filter, SearchScope.Subtree, _attributes) { SizeLimit = 2, TimeLimit = _timeout };
        var entries = ((SearchResponse)connection.SendRequest(request, _timeout)).Entries;
        return entries.Count == 1 ? entries[0] : null; // none, or a filter that matches several: no one to bind as
    }

    private SearchResultEntry? ReadEntry(LdapConnection connection, string dn)
    {
        var request = new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, _attributes) { SizeLimit = 1, TimeLimit = _timeout };
        var entries = ((SearchResponse)connection.SendRequest(request, _timeout)).Entries;
        return entries.Count == 1 ? entries[0] : null;
    }

    /// <summary>The name attribute's value the user typed (ignoring case) as the directory spells it; else the entry DN.</summary>
    private string NameOf(SearchResultEntry entry, string userName)
    {
        if (options.NameAttribute is { } attribute)
        {
            var values = Values(entry, attribute);
            foreach (var value in values)
                if (string.Equals(value, userName, StringComparison.OrdinalIgnoreCase)) return value;
            if (values.Count > 0) return values[0];
        }
        return entry.DistinguishedName;
    }

    private static List<string> Values(SearchResultEntry entry, string attribute)
    {
        var list = new List<string>();
        if (entry.Attributes[attribute] is { } values)
            foreach (var value in values.GetValues(typeof(string)))
                if (value is string text) list.Add(text);
        return list;
    }
}
