using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// The local stage on a real Kestrel socket, as `dotnet run` serves it: the source IP the REQUEST authorizer's
/// allowlist sees is the TCP peer and nothing else, and only localhost names are answered.
/// </summary>
public sealed class LocalStageOnKestrelTests
{
    private static SecureApiFactory OnKestrel(params (string Key, string? Value)[] settings)
    {
        var factory = new SecureApiFactory { ExtraConfiguration = settings.ToDictionary(s => s.Key, s => s.Value) };
        factory.StartOnLoopbackKestrel();
        return factory;
    }

    [Fact]
    public async Task X_Forwarded_For_never_becomes_the_source_ip_even_with_forwarded_headers_enabled()
    {
        // What ASPNETCORE_FORWARDEDHEADERS_ENABLED=true sets, given to this host only.
        await using var factory = OnKestrel(("FORWARDEDHEADERS_ENABLED", "true"));
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/protected/admin");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7"); // inside the test allowlist

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_tcp_peer_is_the_source_ip_the_api_sees()
    {
        await using var factory = OnKestrel();
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Custom-Auth", factory.Credentials.CustomHeaderValue);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");

        using var body = JsonDocument.Parse(await client.GetStringAsync("/protected/admin"));

        Assert.Equal("127.0.0.1", body.RootElement.GetProperty("user").GetProperty("sourceIp").GetString());
    }

    [Fact]
    public async Task A_connection_without_a_peer_address_has_no_source_ip_and_matches_no_allowlist()
    {
        var socketPath = Path.Combine(Path.GetTempPath(), $"secureapi-{Guid.NewGuid():N}.sock");
        await using var factory = new SecureApiFactory { ExtraConfiguration = new Dictionary<string, string?> { ["RequestAuthorizer:AllowedCidrs"] = "0.0.0.0/0,::/0" } };
        factory.UseKestrel(options => options.ListenUnixSocket(socketPath));
        factory.StartServer();
        using var client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = new Uri("http://localhost") };

        using var admin = await client.GetAsync("/protected/admin");
        using var open = await client.GetAsync("/public");

        Assert.Equal(HttpStatusCode.OK, open.StatusCode); // the socket works
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode); // "everything" allowlisted, yet no address to match
    }

    [Theory]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("attacker.example", HttpStatusCode.BadRequest)]
    [InlineData("localhost.attacker.example", HttpStatusCode.BadRequest)]
    public async Task Only_localhost_names_reach_the_stage(string host, HttpStatusCode expected)
    {
        await using var factory = OnKestrel();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/public");
        request.Headers.Host = host;

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }
}
