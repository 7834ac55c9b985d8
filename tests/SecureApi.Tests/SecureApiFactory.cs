using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.Authorizers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecureApi.LocalGateway;
using SecureApi.LocalGateway.Template;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>
/// The API on the test server behind its real local gateway stage, configured to accept the credentials this
/// factory mints (RSA-signed JWTs checked against a static JWKS; API keys and header values by SHA-256).
/// Time is a <see cref="ManualClock"/>; authorizer invocations are counted.
/// </summary>
public sealed class SecureApiFactory : WebApplicationFactory<Program>
{
    private int _invocations;

    /// <summary>Signing key, tokens and seed keys; share one between factories that stand for instances of one deployment.</summary>
    public GatewayTestCredentials Credentials { get; init; } = new();
    public ManualClock Clock { get; } = new();
    public int AuthorizerInvocations => Volatile.Read(ref _invocations);

    /// <summary>Optional replacement of the in-process authorizers (failure-path tests).</summary>
    public IAuthorizerInvoker? InvokerOverride { get; init; }
    public TimeProvider? TimeOverride { get; init; }

    /// <summary>Settings added after the credentials' (e.g. AuthorizationStore:TableName for the DynamoDB runs).</summary>
    public IReadOnlyDictionary<string, string?>? ExtraConfiguration { get; init; }

    /// <summary>Service registrations applied last (e.g. an <c>IAuthorizationStore</c> that is down).</summary>
    public Action<IServiceCollection>? ExtraServices { get; init; }

    /// <summary>
    /// Edits each response an authorizer returns before the stage uses it, e.g. adding the keyId a store-aware
    /// REQUEST authorizer puts in the context.
    /// </summary>
    public Action<APIGatewayCustomAuthorizerResponse>? EditAuthorizerResponse { get; init; }

    /// <summary>A default plan no other test's traffic reaches (the clock stands still); rate-limit tests set their own.</summary>
    public static readonly IReadOnlyDictionary<string, string?> RoomyRateLimits = new Dictionary<string, string?>
    {
        ["RateLimits:DefaultPlan:RatePerSecond"] = "100000",
        ["RateLimits:DefaultPlan:Burst"] = "1000000",
        ["RateLimits:DefaultPlan:Quota"] = "1000000000",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing"); // no developer defaults, no user secrets
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(Credentials.Configuration).AddInMemoryCollection(RoomyRateLimits).AddInMemoryCollection(ExtraConfiguration ?? new Dictionary<string, string?>()));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(_startupErrors);
            services.AddSingleton(TimeOverride ?? Clock);
            services.AddLocalGateway(); // what Debug builds of the API add themselves (Program.cs, LOCAL_GATEWAY)
            // The stage keeps the manual clock when the app's clock is replaced (a failing app clock must fail the app, not the gateway).
            services.Replace(ServiceDescriptor.Singleton(sp => new GatewayStage(sp.GetRequiredService<GatewayDefinition>(),
                sp.GetRequiredService<IAuthorizerInvoker>(), sp.GetRequiredService<IOptions<GatewayStageOptions>>().Value, Clock)));
            services.AddSingleton<IAuthorizerInvoker>(sp => new CountingInvoker(
                InvokerOverride ?? new InProcessAuthorizerInvoker(
                    () => sp.GetRequiredService<LocalTokenAuthorizer>().Current,
                    sp.GetRequiredService<RequestAuthorizer>()),
                () => Interlocked.Increment(ref _invocations), EditAuthorizerResponse));
            ExtraServices?.Invoke(services);
        });
    }

    /// <summary>
    /// Starts the host, which must fail, and returns why. With a minimal-API app the factory can lose a race with the
    /// app disposing its own services after the failed start and throw ObjectDisposedException instead of the cause
    /// (dotnet/aspnetcore#33494, #40271); the cause is then the error the host logged when it failed to start.
    /// </summary>
    public Exception StartupFailure()
    {
        try
        {
            _ = Server;
        }
        catch (Exception e)
        {
            return e is ObjectDisposedException && _startupErrors.First is { } logged ? logged : e;
        }
        throw new Xunit.Sdk.XunitException("The host started although its settings should have stopped it.");
    }

    private readonly FirstLoggedError _startupErrors = new();

    /// <summary>Keeps the first exception any log entry carries (a failed start is logged with its cause).</summary>
    private sealed class FirstLoggedError : ILoggerProvider, ILogger
    {
        private Exception? _first;
        public Exception? First => Volatile.Read(ref _first);
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null && logLevel >= LogLevel.Error) Interlocked.CompareExchange(ref _first, exception, null);
        }
        public void Dispose() { }
    }

    /// <summary>
    /// Serves on a real Kestrel socket on 127.0.0.1 at a free port. The endpoint is configured on Kestrel itself, not
    /// through UseKestrel(port): that overload edits the server's address list after the app has started binding, a
    /// race the minimal-API host loses now and then on a busy machine ("Addresses cannot be modified after the server
    /// has started").
    /// </summary>
    public void StartOnLoopbackKestrel()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
    }

    /// <summary>Sends a case through the test server with the TCP peer address set on the connection.</summary>
    public async Task<(int Status, string Body, IHeaderDictionary Headers)> SendAsync(ResolvedCaseRequest request, string? jsonBody = null)
    {
        var context = await Server.SendAsync(http =>
        {
            if (jsonBody is not null)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(jsonBody);
                http.Request.Body = new MemoryStream(bytes);
                http.Request.ContentLength = bytes.Length;
                http.Request.ContentType = "application/json";
                // The test server's own body pipe and "can have body" flag describe an empty request; replace both.
                http.Features.Set<Microsoft.AspNetCore.Http.Features.IRequestBodyPipeFeature>(new Microsoft.AspNetCore.Http.Features.RequestBodyPipeFeature(http));
                http.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>(new HasBody());
            }
            http.Request.Method = request.Method;
            http.Request.Path = request.Path;
            http.Request.QueryString = new QueryString(request.PathAndQuery.Contains('?') ? request.PathAndQuery[request.PathAndQuery.IndexOf('?')..] : "");
            foreach (var (name, value) in request.Headers) http.Request.Headers.Append(name, value);
            http.Connection.RemoteIpAddress = IPAddress.Parse(request.SourceIp);
        });
        using var reader = new StreamReader(context.Response.Body);
        return (context.Response.StatusCode, await reader.ReadToEndAsync(), context.Response.Headers);
    }

    public Task<(int Status, string Body, IHeaderDictionary Headers)> SendAsync(CaseRequest request, string? jsonBody = null) =>
        SendAsync(request.Resolve(Credentials), jsonBody);

    private sealed class HasBody : Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    private sealed class CountingInvoker(IAuthorizerInvoker inner, Action counted, Action<APIGatewayCustomAuthorizerResponse>? edit) : IAuthorizerInvoker
    {
        public async Task<AuthorizerInvocation> InvokeAsync(AuthorizerDefinition authorizer, APIGatewayCustomAuthorizerRequest request, CancellationToken ct)
        {
            counted();
            var invocation = await inner.InvokeAsync(authorizer, request, ct);
            if (edit is not null && invocation is AuthorizerInvocation.Policy policy) edit(policy.Response);
            return invocation;
        }
    }
}
