using System.Security.Cryptography;
using Amazon;
using Amazon.KeyManagementService;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.StepUp;
using SecureApi.Setup;
using SecureApi.AuthorizerContract;

namespace SecureApi.StepUp;

/// <summary>
/// Step-up authentication (section "StepUp"; docs/step-up.md): the step-up store next to the authorization store,
/// the secret protector with its data key source (KMS, StepUp:DevelopmentKey, or a key generated at start in
/// Development/Testing — logged as a warning, since enrollments then do not survive a restart) and the check that
/// <c>.RequireStepUp()</c> runs. Invalid settings stop the host with messages naming them.
/// </summary>
public static class StepUpSetup
{
    public static IServiceCollection AddStepUp(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => StepUpOptions.FromConfiguration(sp.GetRequiredService<IConfiguration>().GetSection(StepUpOptions.SectionName)));
        services.TryAddSingleton(sp => StepUpStoreFactory.Create(
            sp.CheckedStoreOptions(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IAuthorizationStore>()));
        services.TryAddSingleton(DataKeySource);
        services.TryAddSingleton(sp => new SecretProtector(sp.GetRequiredService<IDataKeySource>()));
        services.TryAddSingleton<StepUpCheck>();
        services.AddHostedService<StepUpStartup>();
        return services;
    }

    private static bool MayGenerateKey(IHostEnvironment environment) => environment.IsDevelopment() || environment.IsEnvironment("Testing");

    private static IDataKeySource DataKeySource(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<StepUpOptions>();
        options.ThrowIfInvalid(MayGenerateKey(sp.GetRequiredService<IHostEnvironment>()));
        if (options.KmsKeyId is { } keyId)
        {
            var config = new AmazonKeyManagementServiceConfig { Timeout = TimeSpan.FromSeconds(2), MaxErrorRetry = 1 };
            if (options.KmsServiceUrl is not null)
            {
                config.ServiceURL = options.KmsServiceUrl;
                config.AuthenticationRegion = options.KmsRegion ?? "us-east-1";
            }
            else if (options.KmsRegion is not null)
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.KmsRegion);
            }
            // The settings are checked now; the client is built by the first enrollment or verification that needs a
            // data key, off the cold start of every request that does not (most: no step-up route is ever hit).
            return new KmsDataKeySource(() => new AmazonKeyManagementServiceClient(config), keyId);
        }
        if (options.DevelopmentKey is { } configured) return new LocalDataKeySource(Convert.FromBase64String(configured));
        StepUpLog.GeneratedKey(sp.GetRequiredService<ILogger<StepUpCheck>>());
        return new LocalDataKeySource(RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>Settings checked and the key source built before the first request.</summary>
    private sealed class StepUpStartup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<IDataKeySource>();
            services.GetRequiredService<IStepUpStore>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

internal static partial class StepUpLog
{
    [LoggerMessage(EventId = LogEvents.StepUpGeneratedKey, EventName = nameof(LogEvents.StepUpGeneratedKey), Level = LogLevel.Warning,
        Message = "StepUp: no KmsKeyId or DevelopmentKey set; TOTP secrets are encrypted with a key generated at start, so enrollments do not survive a restart. Set StepUp:DevelopmentKey in user secrets to keep them.")]
    public static partial void GeneratedKey(ILogger logger);
}
