using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>
/// Several real OpenID providers (panva/oidc-provider, tools/oidc-provider) in one node process on loopback HTTPS,
/// each its own issuer and port, all publishing their RS256 key under the same kid ("shared"). The certificate is
/// self-signed and made here; <see cref="Http"/> trusts it, and only it, for these servers.
/// </summary>
internal sealed class OidcProviderCounterparts : IAsyncDisposable
{
    public const string Kid = "shared";
    public const string ClientId = "secure-api-client";
    private const string ClientSecret = "s3cret";
    private readonly Process _node;
    private readonly string _folder;

    public IReadOnlyList<string> Issuers { get; }
    public HttpClient Http { get; }

    private OidcProviderCounterparts(Process node, string folder, IReadOnlyList<string> issuers, HttpClient http) =>
        (_node, _folder, Issuers, Http) = (node, folder, issuers, http);

    public static async Task<OidcProviderCounterparts> StartAsync(int count)
    {
        await TestPrerequisites.EnsureOidcProviderAsync();
        var folder = System.IO.Directory.CreateTempSubdirectory("oidc-provider-").FullName;
        using var certificate = SelfSignedLoopbackCertificate();
        await File.WriteAllTextAsync(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
        using (var rsa = certificate.GetRSAPrivateKey()!)
            await File.WriteAllTextAsync(Path.Combine(folder, "key.pem"), rsa.ExportPkcs8PrivateKeyPem());

        var issuers = new List<string>();
        var entries = new List<object>();
        for (var i = 0; i < count; i++)
        {
            var port = FreePort();
            var issuer = $"https://127.0.0.1:{port}"; // one issuer per port
            issuers.Add(issuer);
            using var key = RSA.Create(2048);
            entries.Add(new { port, issuer, jwk = PrivateJwk(key) });
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = Path.Combine(RepositoryRoot.Path, "tools", "oidc-provider"),
        };
        start.ArgumentList.Add("serve.mjs");
        start.Environment["OIDC_CERT"] = Path.Combine(folder, "cert.pem");
        start.Environment["OIDC_KEY"] = Path.Combine(folder, "key.pem");
        start.Environment["OIDC_ISSUERS"] = JsonSerializer.Serialize(entries);
        var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stderr = node.StandardError.ReadToEndAsync();
        var ready = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (ready != "ready") throw new InvalidOperationException("oidc-provider did not start: " + await stderr);

        var thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) =>
                cert is not null && string.Equals(cert.GetCertHashString(HashAlgorithmName.SHA256), thumbprint, StringComparison.Ordinal) },
        });
        return new OidcProviderCounterparts(node, folder, issuers, http);
    }

    /// <summary>An access token (JWT, aud secure-api, scope read) from the issuer at <paramref name="index"/>, client_credentials grant.</summary>
    public async Task<string> AccessTokenAsync(int index)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Issuers[index] + "/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" }),
        };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{ClientId}:{ClientSecret}")));
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"token endpoint: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The jwks_uri the provider at <paramref name="index"/> publishes in its discovery document.</summary>
    public async Task<string> JwksUriAsync(int index) =>
        JsonDocument.Parse(await Http.GetStringAsync(Issuers[index] + "/.well-known/openid-configuration"))
            .RootElement.GetProperty("jwks_uri").GetString()!;

    /// <summary>
    /// How many requests the provider at <paramref name="index"/> has received other than the tests' own token
    /// requests (discovery, JWKS, anything else), as counted by serve.mjs.
    /// </summary>
    public async Task<int> RequestsBesidesTokensAsync(int index)
    {
        using var counts = JsonDocument.Parse(await Http.GetStringAsync(Issuers[index] + "/test-requests"));
        return counts.RootElement.EnumerateObject().Where(p => p.Name != "/token").Sum(p => p.Value.GetInt32());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _node.StandardInput.Close(); // serve.mjs stops when stdin closes
            if (!_node.WaitForExit(5000)) _node.Kill(entireProcessTree: true);
        }
        finally
        {
            _node.Dispose();
            Http.Dispose();
            System.IO.Directory.Delete(_folder, recursive: true);
        }
        await Task.CompletedTask;
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Dictionary<string, string> PrivateJwk(RSA key)
    {
        var p = key.ExportParameters(includePrivateParameters: true);
        return new()
        {
            ["kty"] = "RSA", ["kid"] = Kid, ["use"] = "sig", ["alg"] = "RS256",
            ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent), ["d"] = Base64UrlEncoder.Encode(p.D),
            ["p"] = Base64UrlEncoder.Encode(p.P), ["q"] = Base64UrlEncoder.Encode(p.Q), ["dp"] = Base64UrlEncoder.Encode(p.DP),
            ["dq"] = Base64UrlEncoder.Encode(p.DQ), ["qi"] = Base64UrlEncoder.Encode(p.InverseQ),
        };
    }
}
