using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SecureApi.Authorizers;

namespace SecureApi.Gateway;

/// <summary>Registers and mounts the local API Gateway stage (Kestrel only; never in Lambda mode).</summary>
public static partial class LocalGatewayExtensions
{
    /// <summary>True when the process runs as a Lambda function (the same switch AddLambdaHosting uses).</summary>
    public static bool IsLambdaMode => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME"));

    public static IServiceCollection AddLocalGateway(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        if (IsLambdaMode) return services;

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GatewayStageOptions>().BindConfiguration(GatewayStageOptions.SectionName)
            .Validate(o => o.IsValid(), "Gateway: Region, ApiId and Stage must be non-empty letters/digits/-/_, AccountId 12 digits, AuthorizerTimeout 0-30 s.")
            .ValidateOnStart();
        services.AddHttpClient(nameof(TokenAuthorizer));
        services.TryAddSingleton(sp => CreateTokenAuthorizer(sp, configuration, environment));
        services.TryAddSingleton(_ => new RequestAuthorizer(
            ThrowIfInvalid(RequestAuthorizerOptions.FromConfiguration(configuration.GetSection(RequestAuthorizerOptions.SectionName)),
                RequestAuthorizerOptions.SectionName, o => o.Validate())));
        services.TryAddSingleton<IAuthorizerInvoker>(sp =>
            new InProcessAuthorizerInvoker(sp.GetRequiredService<LocalTokenAuthorizer>().Authorizer, sp.GetRequiredService<RequestAuthorizer>()));
        services.TryAddSingleton(sp => new GatewayStage(
            GatewayRoutes.Default,
            sp.GetRequiredService<IAuthorizerInvoker>(),
            sp.GetRequiredService<IOptions<GatewayStageOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static IApplicationBuilder UseLocalGateway(this IApplicationBuilder app)
    {
        if (IsLambdaMode) return app;
        // Resolve now so bad authorizer configuration stops start-up with a clear message.
        _ = app.ApplicationServices.GetRequiredService<GatewayStage>();
        return app.UseMiddleware<LocalGatewayMiddleware>();
    }

    /// <summary>The TOKEN authorizer, or none when no signing key is configured in Development (fresh machine).</summary>
    internal sealed record LocalTokenAuthorizer(TokenAuthorizer? Authorizer);

    private static LocalTokenAuthorizer CreateTokenAuthorizer(IServiceProvider services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = TokenAuthorizerOptions.FromConfiguration(configuration.GetSection(TokenAuthorizerOptions.SectionName));
        if (environment.IsDevelopment()) DevelopmentUserJwts.Apply(options, configuration);

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LocalGatewayExtensions));
        if (environment.IsDevelopment() && !DevelopmentUserJwts.HasKeySource(options))
        {
            Log.NoSigningKey(logger);
            return new LocalTokenAuthorizer(null);
        }
        ThrowIfInvalid(options, TokenAuthorizerOptions.SectionName, o => o.Validate());
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TokenAuthorizer));
        return new LocalTokenAuthorizer(new TokenAuthorizer(options, http, services.GetRequiredService<TimeProvider>()));
    }

    private static T ThrowIfInvalid<T>(T options, string section, Func<T, IReadOnlyList<string>> validate)
    {
        var errors = validate(options);
        if (errors.Count > 0) throw new AuthorizerConfigurationException(section, errors);
        return options;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
            Message = "No JWT signing key is configured: GET /protected answers 401 until you run `dotnet user-jwts create --project src/SecureApi` (or set TokenAuthorizer:Jwks/JwksUri/MetadataAddress).")]
        public static partial void NoSigningKey(ILogger logger);
    }
}
