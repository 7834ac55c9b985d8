using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecureApi.Testing;

/// <summary>How the <see cref="JwksServer"/> answers key requests.</summary>
public enum JwksServerMode { Serve, Down, Slow, Garbage }

/// <summary>
/// A loopback (127.0.0.1, free port) identity provider: serves <see cref="JwksJson"/> at /jwks.json and an OpenID
/// Connect discovery document at /.well-known/openid-configuration, and records every path requested so tests can
/// prove a foreign URL (jku, x5u) was never fetched. <see cref="Mode"/> simulates an endpoint that is down, slow or
/// returns garbage.
/// </summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();

    private JwksServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>http://127.0.0.1:port</summary>
    public string BaseUrl { get; }
    public string JwksUri => BaseUrl + "/jwks.json";
    public string MetadataAddress => BaseUrl + "/.well-known/openid-configuration";

    public string JwksJson { get; set; } = """{"keys":[]}""";
    public string Issuer { get; set; } = TokenFactory.DefaultIssuer;
    /// <summary>The jwks_uri the discovery document names; <see cref="JwksUri"/> when null.</summary>
    public string? DiscoveryJwksUri { get; set; }
    /// <summary>Answers 302 to /jwks.json.</summary>
    public string RedirectingJwksUri => BaseUrl + "/redirect/jwks.json";
    /// <summary>Answers 302 to the discovery document.</summary>
    public string RedirectingMetadataAddress => BaseUrl + "/redirect/openid-configuration";
    public JwksServerMode Mode { get; set; } = JwksServerMode.Serve;
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every requested path (with query), in arrival order.</summary>
    public IReadOnlyList<string> RequestedPaths => _requests.ToArray();
    public int JwksRequestCount => _requests.Count(p => p == "/jwks.json");

    public static async Task<JwksServer> StartAsync(string? jwksJson = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        JwksServer? self = null;
        app.Run(context => self!.HandleAsync(context));
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        self = new JwksServer(app, "http://127.0.0.1:" + new Uri(address).Port.ToString(CultureInfo.InvariantCulture));
        if (jwksJson is not null) self.JwksJson = jwksJson;
        return self;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value + context.Request.QueryString.Value;
        _requests.Enqueue(path);
        switch (Mode)
        {
            case JwksServerMode.Down:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            case JwksServerMode.Slow:
                try { await Task.Delay(SlowDelay, context.RequestAborted).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                break;
            case JwksServerMode.Garbage:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("<html>{{not json", Encoding.UTF8).ConfigureAwait(false);
                return;
        }

        if (context.Request.Path == "/redirect/jwks.json" || context.Request.Path == "/redirect/openid-configuration")
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = context.Request.Path == "/redirect/jwks.json" ? JwksUri : MetadataAddress;
            return;
        }

        context.Response.ContentType = "application/json";
        if (context.Request.Path == "/jwks.json")
            await context.Response.WriteAsync(JwksJson, Encoding.UTF8).ConfigureAwait(false);
        else if (context.Request.Path == "/.well-known/openid-configuration")
            await context.Response.WriteAsync(
                $$"""{"issuer":"{{Issuer}}","jwks_uri":"{{DiscoveryJwksUri ?? JwksUri}}","id_token_signing_alg_values_supported":["RS256","ES256"]}""",
                Encoding.UTF8).ConfigureAwait(false);
        else
            context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
