using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;
using SecureApi.AuthorizerContract;

namespace Api.Benchmarks;

/// <summary>
/// Goal: the API's per-request store check (RouteRuleCheck: route table, principal status, key status) costs ≤ 5 µs
/// with a warm in-process cache. Each case runs the check as RouteRulesMiddleware does, after authentication; the
/// store is the cached in-memory store the API builds (10 s TTL), warmed in setup.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class RouteCheckBenchmarks
{
    private RouteRuleCheck _check = null!;
    private ClaimsPrincipal _jwtUser = null!;
    private ClaimsPrincipal _storeKeyUser = null!;
    private HttpContext _protected = null!;
    private HttpContext _admin = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var time = TimeProvider.System;
        var memory = new InMemoryAuthorizationStore(time);
        await memory.PutPrincipalAsync(new PrincipalChange("jwt-user", ["reader"], ["read"]), "bench");
        await memory.PutPrincipalAsync(new PrincipalChange("partner", ["admin"], ["read", "write"]), "bench");
        await memory.CreateCredentialAsync(new NewCredential("key-1", AuthTypes.ApiKey, "partner", new string('a', 64)), "bench");
        await memory.PutRouteRulesAsync(RouteRules.Default, "bench");
        var store = new CachingAuthorizationStore(memory, TimeSpan.FromSeconds(10), time);

        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton(time)
            .AddSingleton(new AuthorizationStoreOptions())
            .AddSingleton<IIssuerStore>(new InMemoryIssuerStore(time))
            .AddSingleton<IAuthorizationStore>(store)
            .AddRouteRulesPolicy()
            .BuildServiceProvider();
        _check = services.GetRequiredService<RouteRuleCheck>();

        _jwtUser = User((ApiGatewayAuthorizerClaimTypes.PrincipalId, "jwt-user"), (ApiGatewayAuthorizerClaimTypes.Role, "reader"), (ApiGatewayAuthorizerClaimTypes.Permission, "read"));
        _storeKeyUser = User((ApiGatewayAuthorizerClaimTypes.PrincipalId, "partner"), (ApiGatewayAuthorizerClaimTypes.Role, "admin"), (ApiGatewayAuthorizerClaimTypes.KeyId, "key-1"));
        _protected = Request("GET", "/protected");
        _admin = Request("GET", "/protected/admin");

        // Warm the cache and prove each case is an Allow (a refusal would measure the wrong path).
        if (await JwtRouteCheck() is not null || await StoreKeyRouteCheck() is not null)
            throw new InvalidOperationException("A benchmark case is refused; it would not measure the allow path.");
    }

    [Benchmark(Description = "JWT user: route table + principal (cache hits)")]
    public ValueTask<RouteCheckRefusal?> JwtRouteCheck() => _check.CheckAsync(_protected, _protected.GetEndpoint()!, _jwtUser);

    [Benchmark(Description = "Store key: route table + principal + key (cache hits)")]
    public ValueTask<RouteCheckRefusal?> StoreKeyRouteCheck() => _check.CheckAsync(_admin, _admin.GetEndpoint()!, _storeKeyUser);

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), ApiGatewayAuthorizerDefaults.AuthenticationScheme));

    private static DefaultHttpContext Request(string verb, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = verb;
        context.Request.Path = path;
        context.SetEndpoint(new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse(path), 0,
            new EndpointMetadataCollection(new HttpMethodMetadata([verb])), path));
        return context;
    }
}
