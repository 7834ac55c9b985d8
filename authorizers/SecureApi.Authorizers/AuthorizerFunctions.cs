using Microsoft.Extensions.Configuration;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Authorizers.Directory;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.RuntimeSupport;
using SecureApi.Lambda.Serialization;

namespace SecureApi.Authorizers;

/// <summary>
/// The two Lambda functions' wiring, shared by their Program.cs and the tests: settings are read and validated in
/// the bootstrap initializer (a bad setting fails init with a clear message on /runtime/init/error), each decision
/// is logged to <c>log</c>, Unauthorized becomes an exception whose message is exactly "Unauthorized" (→ 401).
/// Section "AuthorizationStore" (AuthorizationStore__TableName…) selects the run-time store: a table name → the
/// cached DynamoDB store (the table is never created here); none → no store at all (configured entries only).
/// </summary>
public static class AuthorizerFunctions
{
    /// <summary>The error message API Gateway maps to 401.</summary>
    public const string UnauthorizedMessage = "Unauthorized";

    /// <param name="metrics">Where each invocation's EMF metric lines go (docs/metrics.md); null = none.</param>
    public static LambdaBootstrap CreateTokenFunction(IConfiguration configuration, TextWriter log, string? runtimeApiEndpoint = null, TextWriter? metrics = null)
    {
        SignatureWarmUp.Start(); // first thing: its dlopen then ends before the runtime starts the threads GET /next needs
        TokenAuthorizer? authorizer = null;
        var builder = LambdaBootstrapBuilder
            .Create<APIGatewayCustomAuthorizerRequest, APIGatewayCustomAuthorizerResponse>(
                async (request, _) => Respond(await authorizer!.AuthorizeAsync(request).ConfigureAwait(false)),
                new SourceGeneratorLambdaJsonSerializer<APIGatewayEventsJsonContext>())
            .UseBootstrapHandler(() =>
            {
                var options = TokenAuthorizerOptions.FromConfiguration(configuration.GetSection(TokenAuthorizerOptions.SectionName));
                var store = CreateStore(configuration);
                // Only remote key sources need HTTP (a stored issuer may have one); skipping it keeps a static-JWKS cold start lean.
                var http = store is null && options.AllIssuers().All(i => i.MetadataAddress is null && i.JwksUri is null) ? null : CreateKeyFetchClient();
                var storeOptions = AuthorizationStoreOptions.FromConfiguration(configuration.GetSection(AuthorizationStoreOptions.SectionName));
                var issuers = store is null ? null : IssuerStoreFactory.Create(storeOptions, TimeProvider.System, store); // the run-time registry, same table
                authorizer = new TokenAuthorizer(options, http, TimeProvider.System, log, store, issuers, storeOptions.CacheDuration);
                RouteTableWarmUp.Start(store);                 // overlaps the SDK's first call with fetching the first event
                return Task.FromResult(true);
            });
        return Build(builder, runtimeApiEndpoint, metrics);
    }

    private static LambdaBootstrap Build(LambdaBootstrapBuilder builder, string? runtimeApiEndpoint, TextWriter? metrics)
    {
        if (runtimeApiEndpoint is not null) builder.UseRuntimeApiEndpoint(runtimeApiEndpoint);
        if (metrics is not null) builder.UseEmbeddedMetrics(metrics);
        return builder.Build();
    }

    /// <summary>The HttpClient for discovery/JWKS fetches: redirects are never followed.</summary>
    internal static HttpClient CreateKeyFetchClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
    });

    public static LambdaBootstrap CreateRequestFunction(IConfiguration configuration, TextWriter log, string? runtimeApiEndpoint = null, TextWriter? metrics = null)
    {
        RequestAuthorizer? authorizer = null;
        var builder = LambdaBootstrapBuilder
            .Create<APIGatewayCustomAuthorizerRequest, APIGatewayCustomAuthorizerResponse>(
                async (request, _) => Respond(await authorizer!.AuthorizeAsync(request).ConfigureAwait(false)),
                new SourceGeneratorLambdaJsonSerializer<APIGatewayEventsJsonContext>())
            .UseBootstrapHandler(() =>
            {
                var options = RequestAuthorizerOptions.FromConfiguration(configuration.GetSection(RequestAuthorizerOptions.SectionName));
                var store = CreateStore(configuration);
                authorizer = new RequestAuthorizer(options, log, store, CreateDirectory(configuration, store));
                RouteTableWarmUp.Start(store);                 // overlaps the SDK's first call with fetching the first event
                return Task.FromResult(true);
            });
        return Build(builder, runtimeApiEndpoint, metrics);
    }

    /// <summary>
    /// The store section "AuthorizationStore" asks for: null without a table name (never the in-memory store: a
    /// function's own empty store would only hide a missing setting). Invalid settings throw → init error.
    /// </summary>
    internal static IAuthorizationStore? CreateStore(IConfiguration configuration)
    {
        var options = AuthorizationStoreOptions.FromConfiguration(configuration.GetSection(AuthorizationStoreOptions.SectionName));
        // Create, not CreateAsync: a function never creates the table (CreateTableIfMissing is ignored here). The
        // factory checks the settings; without a table there is nothing to build, but a stray setting still fails init.
        if (options.UsesDynamoDb) return AuthorizationStoreFactory.Create(options, TimeProvider.System);
        options.ThrowIfInvalid();
        return null;
    }

    /// <summary>
    /// The directory credential section "Directory" asks for (null when off). Its failed-bind counts live in the
    /// store's rate-limit counters: on the table when AuthorizationStore__TableName is set, else in this process.
    /// </summary>
    internal static DirectoryAuthenticator? CreateDirectory(IConfiguration configuration, IAuthorizationStore? store) =>
        DirectoryAuthenticator.FromConfiguration(configuration, () =>
        {
            var options = AuthorizationStoreOptions.FromConfiguration(configuration.GetSection(AuthorizationStoreOptions.SectionName));
            return store is null
                ? new InMemoryRateLimitCounterStore(TimeProvider.System)
                : RateLimitCounterStoreFactory.Create(options, TimeProvider.System, options.Timeout, store); // the store's own client
        }, TimeProvider.System);

    private static APIGatewayCustomAuthorizerResponse Respond(AuthorizerDecision decision) =>
        decision.Outcome == AuthorizerOutcome.Unauthorized || decision.Response is null
#pragma warning disable CA2201 // API Gateway reads only the message; the type is irrelevant to it.
            ? throw new Exception(UnauthorizedMessage)
#pragma warning restore CA2201
            : decision.Response;
}
