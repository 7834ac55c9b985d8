using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;

namespace Api.Benchmarks;

/// <summary>
/// Goal: the API's per-request store check (RouteRuleAuthorizationHandler: route table, principal status, key status)
/// costs ≤ 5 µs with a warm in-process cache. Each case runs the whole authorization service twice over: once with
/// the default policy (authenticated caller only: the baseline) and once with the route policy; the overhead of the
/// store check is the difference. The store is the cached in-memory store the API builds (10 s TTL), warmed in setup.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class RouteCheckBenchmarks
{
    private IAuthorizationService _authorization = null!;
    private AuthorizationPolicy _authenticatedOnly = null!;
    private AuthorizationPolicy _routePolicy = null!;
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
            .AddSingleton(time)
            .AddSingleton<IAuthorizationStore>(store)
            .AddRouteRulesPolicy()
            .BuildServiceProvider();
        _authorization = services.GetRequiredService<IAuthorizationService>();
        var policies = services.GetRequiredService<IAuthorizationPolicyProvider>();
        _authenticatedOnly = (await policies.GetDefaultPolicyAsync())!;
        _routePolicy = (await policies.GetPolicyAsync(RouteRulesPolicy.PolicyName))!;

        _jwtUser = User((ApiGatewayAuthorizerClaimTypes.PrincipalId, "jwt-user"), (ApiGatewayAuthorizerClaimTypes.Role, "reader"), (ApiGatewayAuthorizerClaimTypes.Permission, "read"));
        _storeKeyUser = User((ApiGatewayAuthorizerClaimTypes.PrincipalId, "partner"), (ApiGatewayAuthorizerClaimTypes.Role, "admin"), (ApiGatewayAuthorizerClaimTypes.KeyId, "key-1"));
        _protected = Request("GET", "/protected");
        _admin = Request("GET", "/protected/admin");

        // Warm the cache and prove each case is an Allow (a refusal would measure the wrong path).
        if (!(await _authorization.AuthorizeAsync(_jwtUser, _protected, _routePolicy)).Succeeded ||
            !(await _authorization.AuthorizeAsync(_storeKeyUser, _admin, _routePolicy)).Succeeded)
            throw new InvalidOperationException("A benchmark case is refused; it would not measure the allow path.");
    }

    [Benchmark(Baseline = true, Description = "JWT user, authenticated-only policy (baseline)")]
    public Task<AuthorizationResult> JwtBaseline() => _authorization.AuthorizeAsync(_jwtUser, _protected, _authenticatedOnly);

    [Benchmark(Description = "JWT user, route policy: route table + principal (cache hits)")]
    public Task<AuthorizationResult> JwtRouteCheck() => _authorization.AuthorizeAsync(_jwtUser, _protected, _routePolicy);

    [Benchmark(Description = "Store key, authenticated-only policy (baseline)")]
    public Task<AuthorizationResult> StoreKeyBaseline() => _authorization.AuthorizeAsync(_storeKeyUser, _admin, _authenticatedOnly);

    [Benchmark(Description = "Store key, route policy: route table + principal + key (cache hits)")]
    public Task<AuthorizationResult> StoreKeyRouteCheck() => _authorization.AuthorizeAsync(_storeKeyUser, _admin, _routePolicy);

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
