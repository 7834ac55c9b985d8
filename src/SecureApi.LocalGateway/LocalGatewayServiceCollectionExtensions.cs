using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Authorizers.Directory;
using SecureApi.Authorizers;
using SecureApi.Lambda.RuntimeSupport;
using SecureApi.LocalGateway.DeveloperConsole;
using SecureApi.LocalGateway.Template;

namespace SecureApi.LocalGateway;

/// <summary>Registers the local API Gateway stage in front of the whole pipeline (Kestrel only; never on Lambda).</summary>
public static class LocalGatewayServiceCollectionExtensions
{
    public static IServiceCollection AddLocalGateway(this IServiceCollection services)
    {
        // Idempotent: a Debug build adds the stage in Program.cs and a test host may add it again; a second stage
        // would run every authorizer twice per request.
        if (LambdaEnvironment.IsLambda || services.Any(d => d.ServiceType == typeof(LocalGatewayMarker))) return services;
        services.AddSingleton<LocalGatewayMarker>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GatewayStageOptions>().BindConfiguration(GatewayStageOptions.SectionName)
            .Validate(o => o.IsValid(), "Gateway: Region, ApiId and Stage must be non-empty letters/digits/-/_, AccountId 12 digits, AuthorizerTimeout 0-30 s, LocalOnlyPaths absolute.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => LoadTemplate(sp.GetRequiredService<IOptions<GatewayStageOptions>>().Value, sp.GetRequiredService<IHostEnvironment>()));
        services.AddHttpClient(nameof(TokenAuthorizer));
        services.TryAddSingleton(sp => new LocalTokenAuthorizer(
            sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>(),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TokenAuthorizer)),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LocalTokenAuthorizer>>(),
            store: sp.GetService<IAuthorizationStore>(), issuerStore: sp.GetService<SecureApi.AuthorizationStore.Issuers.IIssuerStore>(),
            issuerCache: sp.GetService<AuthorizationStoreOptions>()?.CacheDuration ?? default, tokenServiceIssuer: LocalTokenService.RegistryEntry(sp)));
        services.AddLocalTokenService();                                          // POST /oauth2/token, JWKS: the token service in process
        // Both authorizers share the API's store singleton when the API registers one (its in-memory store under
        // `dotnet run`, so a key created through the admin API works on the next request); none → seed only.
        services.TryAddSingleton(sp => new RequestAuthorizer(RequestAuthorizerOptions.FromConfiguration(
            sp.GetRequiredService<IConfiguration>().GetSection(RequestAuthorizerOptions.SectionName)),
            decisionLog: null, store: sp.GetService<IAuthorizationStore>(),
            directory: DirectoryAuthenticator.FromConfiguration(sp.GetRequiredService<IConfiguration>(),
                () => sp.GetService<IRateLimitCounterStore>() ?? new InMemoryRateLimitCounterStore(sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<TimeProvider>())));
        services.TryAddSingleton<IAuthorizerInvoker>(sp =>
        {
            var token = sp.GetRequiredService<LocalTokenAuthorizer>();
            return new InProcessAuthorizerInvoker(() => token.Current, sp.GetRequiredService<RequestAuthorizer>());
        });
        services.TryAddSingleton(sp => new DecisionRecorder(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new GatewayStage(sp.GetRequiredService<GatewayDefinition>(), sp.GetRequiredService<IAuthorizerInvoker>(),
            sp.GetRequiredService<IOptions<GatewayStageOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        // API Gateway's sourceIp is the TCP peer; X-Forwarded-For is a header like any other. Platforms that set
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED would otherwise let any caller pick the address the IP allowlist sees.
        services.PostConfigure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.None);
        // Only localhost names may reach the stage (it runs on developers' machines), so a DNS-rebinding page cannot
        // use their development credentials or allowlisted address; Gateway:AllowedHosts widens it on purpose.
        services.AddHostFiltering(_ => { });
        services.AddOptions<HostFilteringOptions>().Configure<IOptions<GatewayStageOptions>>((hosts, stage) =>
            hosts.AllowedHosts = [.. stage.Value.AllowedHosts]);
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, LocalGatewayStartupFilter>());
        return services;
    }

    private static GatewayDefinition LoadTemplate(GatewayStageOptions options, IHostEnvironment environment)
    {
        var path = options.TemplatePath is { Length: > 0 } configured
            ? Path.GetFullPath(configured, environment.ContentRootPath)
            : FindUpwards(environment.ContentRootPath, "serverless.template")
              ?? throw new GatewayTemplateException(
                  $"No serverless.template at or above {environment.ContentRootPath}; set Gateway:TemplatePath to the SAM template the local stage should play.");
        return ServerlessTemplateReader.Load(path);
    }

    private static string? FindUpwards(string start, string fileName)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, fileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Marks a service collection that already has the stage.</summary>
    private sealed class LocalGatewayMarker;

    /// <summary>The stage goes first, as API Gateway sits in front of everything the app does.</summary>
    private sealed class LocalGatewayStartupFilter(GatewayStage stage) : IStartupFilter
    {
        // Taking the stage as a dependency resolves it (template, authorizers, options) before the server starts,
        // so a template or authorizer setting the stage cannot play stops `dotnet run` with its message.
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            _ = stage;
            app.UseHostFiltering();
            app.UseMiddleware<LocalGatewayMiddleware>();
            next(app);
        };
    }
}
