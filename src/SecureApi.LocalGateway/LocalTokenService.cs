using SecureApi.AuthorizationStore.Issuers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureApi.Authorizers;
using SecureApi.TokenService;
using SecureApi.TokenService.Saml;
using SecureApi.TokenService.Tokens;

namespace SecureApi.LocalGateway;

/// <summary>
/// `dotnet run`: the token service (docs/saml.md) in process behind the stage, as the deployed stack routes
/// POST /oauth2/token and GET /.well-known/jwks.json to its own function with no authorizer. Tokens are signed with a
/// key generated per run, and the stage's TOKEN authorizer trusts them through one more registry entry named
/// <see cref="IssuerName"/> whose keys are that key's JWKS, inline: no configuration, no network fetch
/// (docs/local-stage.md). Only the IdPs (Saml:IdentityProviders) need settings; ours have local defaults.
/// </summary>
public static class LocalTokenService
{
    public const string IssuerName = "saml";
    public const string DefaultAudience = "urn:secureapi:local-sp";
    public const string DefaultTokenEndpoint = "http://localhost:5080/oauth2/token"; // launchSettings.json's URL
    public const string DefaultTokenIssuer = "urn:secureapi:local-token-service";
    public const string DefaultTokenAudience = "secureapi-local";

    internal static IServiceCollection AddLocalTokenService(this IServiceCollection services)
    {
        // Registered before AddTokenService, whose own registration (no defaults) is then skipped.
        services.TryAddSingleton(sp =>
        {
            var options = SamlOptions.FromConfiguration(sp.GetRequiredService<IConfiguration>().GetSection(SamlOptions.SectionName));
            options.Audience ??= DefaultAudience;
            options.TokenEndpoint ??= DefaultTokenEndpoint;
            options.TokenIssuer ??= DefaultTokenIssuer;
            options.TokenAudience ??= DefaultTokenAudience;
            options.ThrowIfInvalid();
            return options;
        });
        // Never KMS here, whatever the settings say: the stage trusts the key it can read in process.
        services.TryAddSingleton<ITokenSigner, LocalTokenSigner>();
        // The API's route check must know the stage's extra registry entry, or it would refuse that issuer's Allows.
        services.AddSingleton(new TrustedIssuerName(IssuerName));
        services.AddTokenService();
        return services;
    }

    /// <summary>POST /oauth2/token and GET /.well-known/jwks.json on the app the stage fronts.</summary>
    /// Left out of the API's OpenAPI document: deployed, they belong to another function.
    public static IEndpointRouteBuilder MapLocalTokenService(this IEndpointRouteBuilder app)
    {
        // Only where AddLocalGateway put the stage (and the token service's services) in front: a Debug build run as a
        // Lambda function has neither, and mapping the routes there would fail the app's start.
        if (app.ServiceProvider.GetService<TokenExchange>() is null) return app;
        app.MapGroup("").ExcludeFromDescription().MapTokenApi();
        return app;
    }

    /// <summary>The registry entry for the in-process token service's issuer, its JWKS inline.</summary>
    internal static TokenIssuerOptions RegistryEntry(IServiceProvider services)
    {
        var options = services.GetRequiredService<SamlOptions>();
        var key = services.GetRequiredService<ITokenSigner>().PublicKeyAsync(CancellationToken.None).GetAwaiter().GetResult();
        return new TokenIssuerOptions
        {
            Name = IssuerName,
            Issuer = options.TokenIssuer,
            Audiences = [options.TokenAudience!],
            Jwks = TokenApi.JwksJson(key),
        };
    }

    /// <summary>
    /// Adds <paramref name="entry"/> unless the settings already trust that name or iss (their entry wins: a
    /// developer pointing the stage at another token service keeps it).
    /// </summary>
    internal static void AddTo(TokenAuthorizerOptions options, TokenIssuerOptions? entry)
    {
        if (entry is null) return;
        if (string.Equals(options.Issuer, entry.Issuer, StringComparison.Ordinal)) return;
        if (options.Issuers.Any(i => i.Name == entry.Name || string.Equals(i.Issuer, entry.Issuer, StringComparison.Ordinal))) return;
        options.Issuers.Add(entry);
    }
}
