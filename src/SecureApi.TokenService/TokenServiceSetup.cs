using Amazon;
using Amazon.KeyManagementService;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Saml;
using SecureApi.AuthorizerContract;
using SecureApi.TokenService.Saml;
using SecureApi.TokenService.Tokens;

namespace SecureApi.TokenService;

/// <summary>
/// The token service's parts: settings (section "Saml", checked at start: invalid ones stop the host naming them),
/// the authorization store (section "AuthorizationStore") for the replay cache and the run-time IdP registry (an
/// <see cref="ISamlIdpStore"/> registered before, as the local stage's API does, is shared instead), the signer (KMS when
/// Saml__KmsKeyId is set, else a key generated at start and logged as a warning), validator, minter, exchange.
/// </summary>
public static partial class TokenServiceSetup
{
    public static IServiceCollection AddTokenService(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var options = SamlOptions.FromConfiguration(sp.GetRequiredService<IConfiguration>().GetSection(SamlOptions.SectionName));
            options.ThrowIfInvalid();
            return options;
        });
        services.TryAddSingleton(sp =>
        {
            var options = AuthorizationStoreOptions.FromConfiguration(sp.GetRequiredService<IConfiguration>().GetSection(AuthorizationStoreOptions.SectionName));
            return new StoreParts(options, AuthorizationStoreFactory.Create(options, sp.GetRequiredService<TimeProvider>()));
        });
        services.TryAddSingleton(sp =>
        {
            var (options, store) = sp.GetRequiredService<StoreParts>();
            return AssertionReplayCacheFactory.Create(options, sp.GetRequiredService<TimeProvider>(), store);
        });
        services.TryAddSingleton(sp =>
        {
            var (options, store) = sp.GetRequiredService<StoreParts>();
            return SamlIdpStoreFactory.Create(options, sp.GetRequiredService<TimeProvider>(), store);
        });
        services.TryAddSingleton(sp => new TrustedIdentityProviders(sp.GetRequiredService<SamlOptions>(), sp.GetRequiredService<ISamlIdpStore>(),
            sp.GetRequiredService<StoreParts>().Options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TrustedIdentityProviders>>()));
        services.TryAddSingleton(Signer);
        services.TryAddSingleton<AssertionValidator>();
        services.TryAddSingleton<TokenMinter>();
        services.TryAddSingleton<TokenExchange>();
        // The form holds one base64url assertion of at most 64 KB (≈ 87 400 characters) and two short parameters. The
        // form's own limit is looser (128 Ki characters) so that an assertion just over 64 KB reaches the validator and is
        // refused as invalid_grant ("larger than 64 KB"); only a form far past any valid one is invalid_request.
        services.Configure<FormOptions>(o => { o.ValueLengthLimit = 128 * 1024; o.ValueCountLimit = 16; o.KeyLengthLimit = 64; });
        services.AddHostedService<TokenServiceStartup>();
        return services;
    }

    /// <summary>The store settings and the store built from them (invalid settings throw, naming them).</summary>
    private sealed record StoreParts(AuthorizationStoreOptions Options, IAuthorizationStore Store);

    private static ITokenSigner Signer(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<SamlOptions>();
        if (options.KmsKeyId is not { } keyId)
        {
            Log.GeneratedKey(sp.GetRequiredService<ILogger<TokenExchange>>());
            return new LocalTokenSigner();
        }
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
        return new KmsTokenSigner(new AmazonKeyManagementServiceClient(config), keyId);
    }

    /// <summary>Settings checked and every part built before the first request; the local table created when asked.</summary>
    private sealed class TokenServiceStartup(IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<TokenExchange>();
            var (options, store) = services.GetRequiredService<StoreParts>();
            await AuthorizationStoreFactory.CreateTableIfMissingAsync(store, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.TokenSigningKeyGenerated, EventName = nameof(LogEvents.TokenSigningKeyGenerated), Level = LogLevel.Warning,
            Message = "Saml: no KmsKeyId set; tokens are signed with an RSA key generated at start (tokens and the JWKS change on every restart).")]
        public static partial void GeneratedKey(ILogger logger);
    }
}
