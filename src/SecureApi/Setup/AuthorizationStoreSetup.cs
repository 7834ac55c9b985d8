using Microsoft.Extensions.DependencyInjection.Extensions;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.DynamoDb;

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
    /// At start: the store is built before the first request (invalid settings stop the host with the message
    /// listing them); CreateTableIfMissing creates the DynamoDB table (local work).
    /// </summary>
    private sealed class AuthorizationStoreStartup(AuthorizationStoreOptions options, IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var store = services.GetRequiredService<IAuthorizationStore>();
            if (options.CreateTableIfMissing && CachingAuthorizationStore.Uncached(store) is DynamoDbAuthorizationStore dynamo)
                await dynamo.CreateTableIfMissingAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
