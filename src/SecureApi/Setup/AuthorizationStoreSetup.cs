using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;
using SecureApi.AuthorizationStore.Saml;

namespace SecureApi.Setup;

/// <summary>
/// The one <see cref="IAuthorizationStore"/> of the process (section "AuthorizationStore"): DynamoDB when TableName
/// is set, else the embedded in-memory store, behind the short in-process cache. The admin API, the per-request
/// route check and (locally) the stage's REQUEST authorizer all resolve this same singleton.
/// </summary>
public static class AuthorizationStoreSetup
{
    public static IServiceCollection AddAuthorizationStore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => AuthorizationStoreOptions.FromConfiguration(
            sp.GetRequiredService<IConfiguration>().GetSection(AuthorizationStoreOptions.SectionName)));
        services.TryAddSingleton(sp => AuthorizationStoreFactory.Create(
            sp.GetRequiredService<AuthorizationStoreOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => IssuerStoreFactory.Create(                       // the run-time issuer registry, same table
            sp.CheckedStoreOptions(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IAuthorizationStore>()));
        services.TryAddSingleton(sp => SamlIdpStoreFactory.Create(                      // the run-time SAML IdP registry, same table
            sp.CheckedStoreOptions(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IAuthorizationStore>()));
        services.AddHostedService<AuthorizationStoreStartup>();
        services.AddExceptionHandler<StoreProblems.ExceptionHandler>();                // store down → 503, write conflict → 409
        return services;
    }

    /// <summary>
    /// The store settings, after the one check they get in this process: the store factory's, when the store is
    /// built (invalid settings throw, listing every problem). The step-up store and the rate-limit counters are built
    /// from these, so they resolve the store first rather than check the same settings again.
    /// </summary>
    internal static AuthorizationStoreOptions CheckedStoreOptions(this IServiceProvider services)
    {
        services.GetRequiredService<IAuthorizationStore>();
        return services.GetRequiredService<AuthorizationStoreOptions>();
    }

    /// <summary>
    /// At start: the store is built before the first request (invalid settings stop the host with the message listing
    /// them), with the process's one DynamoDB client (the step-up and rate-limit stores share it); CreateTableIfMissing
    /// creates the DynamoDB table (local work). On DynamoDB the route table is read in the background
    /// (<see cref="RouteTableWarmUp"/>): the SDK's first-call set-up and the connection are then ready when the first
    /// request's store call (the route check, or the rate-limit counter on a public route) comes.
    /// </summary>
    private sealed class AuthorizationStoreStartup(AuthorizationStoreOptions options, IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var store = services.GetRequiredService<IAuthorizationStore>();
            await AuthorizationStoreFactory.CreateTableIfMissingAsync(store, options, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (options.UsesDynamoDb) _ = RouteTableWarmUp.Start(store);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
