using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SecureApi.Testing;

/// <summary>
/// A real OpenLDAP slapd for the directory tests (Debian packages slapd and ldap-utils; tools/install-slapd.sh installs
/// them): a generated configuration in a temp folder (mdb database under dc=example,dc=org, the memberOf overlay, a
/// self-signed CA and a server certificate for 127.0.0.1), ldap:// and ldaps:// on free loopback ports, seeded with
/// ldapadd. Killed and its folder deleted on dispose. <see cref="Log"/> holds its stats log (BIND and RESULT lines).
/// </summary>
public sealed class SlapdServer : IAsyncDisposable, IDisposable
{
    public const string BaseDn = "dc=example,dc=org";
    public const string PeopleDn = "ou=people," + BaseDn;
    public const string GroupsDn = "ou=groups," + BaseDn;
    public const string AdminDn = "cn=admin," + BaseDn;
    public const string AdminPassword = "admin-secret";
    public const string ServiceDn = "cn=authorizer,ou=services," + BaseDn;
    public const string ServicePassword = "service-secret";
    private static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _folder;
    private readonly List<string> _log = [];

    private SlapdServer(Process process, string folder, int ldapPort, int ldapsPort, string caPem)
    {
        _process = process;
        _folder = folder;
        LdapPort = ldapPort;
        LdapsPort = ldapsPort;
        CaCertificatePem = caPem;
    }

    public int LdapPort { get; }
    public int LdapsPort { get; }
    public string LdapUrl => "ldap://127.0.0.1:" + LdapPort.ToString(CultureInfo.InvariantCulture);
    public string LdapsUrl => "ldaps://127.0.0.1:" + LdapsPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>The CA that signed the server certificate (the Directory__TrustedCaCertificates value).</summary>
    public string CaCertificatePem { get; }

    /// <summary>slapd's log lines so far.</summary>
    public IReadOnlyList<string> Log
    {
        get { lock (_log) return [.. _log]; }
    }

    /// <summary>True when slapd and ldapadd are installed (StartAsync runs tools/install-slapd.sh otherwise).</summary>
    public static bool IsInstalled => File.Exists(SlapdPath) && FindOnPath("ldapadd") is not null;

    private const string SlapdPath = "/usr/sbin/slapd";

    /// <summary>Starts slapd and loads <paramref name="ldif"/> (entries under <see cref="BaseDn"/>; the base, ou=people,
    /// ou=groups and the service account are added first).</summary>
    public static async Task<SlapdServer> StartAsync(string ldif, CancellationToken cancellationToken = default)
    {
        if (!IsInstalled) await TestPrerequisites.EnsureSlapdAsync();
        var folder = Directory.CreateTempSubdirectory("secureapi-slapd-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        var caPem = WriteCertificates(folder);
        var (ldapPort, ldapsPort) = (FreeLoopbackPort(), FreeLoopbackPort());
        await File.WriteAllTextAsync(Path.Combine(folder, "slapd.conf"), Config(folder), cancellationToken);

        var start = new ProcessStartInfo(SlapdPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-d", "stats", "-f", Path.Combine(folder, "slapd.conf"), "-h", $"ldap://127.0.0.1:{ldapPort}/ ldaps://127.0.0.1:{ldapsPort}/" })
            start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start slapd.");
        var server = new SlapdServer(process, folder, ldapPort, ldapsPort, caPem);
        process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        process.OutputDataReceived += (_, e) => server.Remember(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await server.WaitUntilListeningAsync(cancellationToken);
            await server.AddAsync(BaseEntries + ldif, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A self-signed CA nobody else uses, as PEM: the "certificate from another CA" case.</summary>
    public static string OtherCaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = CreateCa(key, "CN=Some Other CA");
        return ca.ExportCertificatePem();
    }

    /// <summary>BIND lines of slapd's log for <paramref name="dn"/> answered with LDAP result <paramref name="resultCode"/>.</summary>
    public int CountBinds(string dn, int resultCode)
    {
        var log = Log;
        var operations = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in log)
        {
            var bind = line.IndexOf(" BIND dn=\"", StringComparison.Ordinal);
            if (bind > 0 && line.Contains($"dn=\"{dn}\"", StringComparison.OrdinalIgnoreCase)) operations.Add(ConnOp(line, bind));
        }
        return log.Count(line => line.Contains(" RESULT tag=97 err=" + resultCode.ToString(CultureInfo.InvariantCulture) + " ", StringComparison.Ordinal)
            && operations.Contains(ConnOp(line, line.IndexOf(" RESULT", StringComparison.Ordinal))));

        static string ConnOp(string line, int end)
        {
            var conn = line.IndexOf("conn=", StringComparison.Ordinal);
            return conn >= 0 && end > conn ? line[conn..end] : line;
        }
    }

    private const string BaseEntries = $"""
        dn: {BaseDn}
        objectClass: dcObject
        objectClass: organization
        o: Example
        dc: example

        dn: {PeopleDn}
        objectClass: organizationalUnit
        ou: people

        dn: {GroupsDn}
        objectClass: organizationalUnit
        ou: groups

        dn: ou=services,{BaseDn}
        objectClass: organizationalUnit
        ou: services

        dn: {ServiceDn}
        objectClass: organizationalRole
        objectClass: simpleSecurityObject
        cn: authorizer
        userPassword: {ServicePassword}


        """;

    private static string Config(string folder) => $"""
        include /etc/ldap/schema/core.schema
        include /etc/ldap/schema/cosine.schema
        include /etc/ldap/schema/inetorgperson.schema
        modulepath /usr/lib/ldap
        moduleload back_mdb
        moduleload memberof
        pidfile {folder}/slapd.pid
        TLSCACertificateFile {folder}/ca.pem
        TLSCertificateFile {folder}/server.pem
        TLSCertificateKeyFile {folder}/server.key
        database mdb
        maxsize 10485760
        suffix "{BaseDn}"
        rootdn "{AdminDn}"
        rootpw {AdminPassword}
        directory {folder}/data
        overlay memberof
        access to attrs=userPassword by anonymous auth by self read by * none
        access to * by users read by * none

        """;

    private static string WriteCertificates(string folder)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = CreateCa(caKey, "CN=SecureApi Test Directory CA");
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var server = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        var caPem = ca.ExportCertificatePem();
        File.WriteAllText(Path.Combine(folder, "ca.pem"), caPem);
        File.WriteAllText(Path.Combine(folder, "server.pem"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        return caPem;
    }

    private static X509Certificate2 CreateCa(ECDsa key, string subject)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
    }

    private async Task AddAsync(string ldif, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_folder, "seed.ldif");
        await File.WriteAllTextAsync(path, ldif.Replace("\r\n", "\n", StringComparison.Ordinal), new UTF8Encoding(false), cancellationToken); // no BOM: ldapadd reads it as part of the first line
        var add = new ProcessStartInfo(FindOnPath("ldapadd")!) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-x", "-H", LdapUrl, "-D", AdminDn, "-w", AdminPassword, "-f", path })
            add.ArgumentList.Add(a);
        using var process = Process.Start(add)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ldapadd failed ({process.ExitCode}): {await error} {await output}");
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartBudget)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"slapd exited (code {_process.ExitCode}): {string.Join(" | ", Log.TakeLast(20))}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, LdapsPort, cancellationToken);
                using var plain = new TcpClient();
                await plain.ConnectAsync(IPAddress.Loopback, LdapPort, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
        throw new TimeoutException($"slapd did not listen within {StartBudget.TotalSeconds:0} s: {string.Join(" | ", Log.TakeLast(20))}");
    }

    /// <summary>A loopback port with nothing listening (right after the call).</summary>
    public static int FreeLoopbackPort() => DynamoDbCompatibleServer.FreeLoopbackPort();

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_log) _log.Add(line);
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Stops slapd (the "directory unreachable" case) and keeps its folder until dispose.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind harms nothing.
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
