using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;
using SecureApi.AuthorizerContract;

namespace SecureApi.Tests;

/// <summary>
/// The route check's own middleware, alone: which principal it checks (only the authorizer scheme's, never the Lambda
/// hosting's, docs/wire-contracts.md §2.9) and that the endpoint never runs unless the check admitted the caller.
/// The statuses of each refusal through the whole API are in RouteCheckTests.
/// </summary>
public sealed class RouteRulesMiddlewareTests
{
    private const string Scheme = ApiGatewayAuthorizerDefaults.AuthenticationScheme;

    [Fact]
    public async Task The_route_check_takes_the_authorizer_schemes_success_without_running_the_scheme_again()
    {
        var schemes = new CountingAuthentication(AuthenticateResult.Fail("must not be asked"));
        var (context, endpointRan) = Request(schemes, new InMemoryAuthorizationStore());
        var earlier = Success(Scheme, "user-1");
        context.Features.Set<IAuthenticateResultFeature>(new ResultFeature(earlier));

        await Run(context, endpointRan);

        Assert.True(endpointRan.Ran);
        Assert.Same(earlier.Principal, context.User);
        Assert.Equal(0, schemes.Calls);
    }

    [Fact]
    public async Task After_the_route_check_the_authentication_result_is_still_the_schemes_for_the_rate_limiter()
    {
        var (context, endpointRan) = Request(new CountingAuthentication(AuthenticateResult.NoResult()), new InMemoryAuthorizationStore());
        var earlier = Success(Scheme, "user-1");
        // As UseAuthentication leaves them (a feature on which setting User drops the result, as the framework's does).
        var features = new RouteRulesMiddleware.AuthenticatedFeature { AuthenticateResult = earlier };
        context.Features.Set<IAuthenticateResultFeature>(features);
        context.Features.Set<IHttpAuthenticationFeature>(features);

        await Run(context, endpointRan);

        Assert.True(endpointRan.Ran);
        Assert.Same(earlier, context.Features.Get<IAuthenticateResultFeature>()!.AuthenticateResult);
        Assert.Same(earlier.Principal, context.User);
    }

    [Fact]
    public async Task The_hosting_user_is_never_accepted_when_the_authorizer_scheme_refused_the_context()
    {
        var schemes = new CountingAuthentication(AuthenticateResult.Fail("The token behind the authorizer context has expired."));
        var (context, endpointRan) = Request(schemes, new InMemoryAuthorizationStore());
        context.User = new ClaimsPrincipal(new ClaimsIdentity(Claims("user-1"), "AuthorizerIdentity"));

        await Run(context, endpointRan);

        Assert.False(endpointRan.Ran);
        Assert.Equal(1, schemes.Challenges);
        Assert.False(context.User.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task Another_schemes_success_is_not_taken_for_the_authorizer_scheme()
    {
        var schemes = new CountingAuthentication(AuthenticateResult.NoResult());
        var (context, endpointRan) = Request(schemes, new InMemoryAuthorizationStore());
        context.Features.Set<IAuthenticateResultFeature>(new ResultFeature(Success("Other", "user-1")));

        await Run(context, endpointRan);

        Assert.False(endpointRan.Ran);
        Assert.Equal(1, schemes.Calls);
        Assert.Equal(1, schemes.Challenges);
    }

    [Fact]
    public async Task The_endpoint_never_runs_when_the_route_check_throws()
    {
        var (context, endpointRan) = Request(new CountingAuthentication(AuthenticateResult.NoResult()), new UnavailableStore(new InvalidOperationException("boom")));
        context.Features.Set<IAuthenticateResultFeature>(new ResultFeature(Success(Scheme, "user-1")));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Run(context, endpointRan));   // UseExceptionHandler: 500 without detail

        Assert.False(endpointRan.Ran);
    }

    [Fact]
    public async Task A_store_that_does_not_answer_is_a_503_and_the_endpoint_does_not_run()
    {
        var (context, endpointRan) = Request(new CountingAuthentication(AuthenticateResult.NoResult()), new UnavailableStore());
        context.Features.Set<IAuthenticateResultFeature>(new ResultFeature(Success(Scheme, "user-1")));

        await Run(context, endpointRan);

        Assert.False(endpointRan.Ran);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
    }

    private static async Task Run(HttpContext context, EndpointProbe endpoint)
    {
        var app = new ApplicationBuilder(context.RequestServices);
        app.UseRouteRules();
        app.Run(_ => { endpoint.Ran = true; return Task.CompletedTask; });
        await app.Build()(context);
    }

    private static (DefaultHttpContext, EndpointProbe) Request(CountingAuthentication schemes, IAuthorizationStore store)
    {
        var time = TimeProvider.System;
        var services = new ServiceCollection()
            .AddLogging()
            .AddProblemDetails()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton(time)
            .AddSingleton(new AuthorizationStoreOptions())
            .AddSingleton<IIssuerStore>(new InMemoryIssuerStore(time))
            .AddSingleton(store)
            .AddSingleton<IAuthenticationService>(schemes)
            .AddRouteRulesPolicy()
            .BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "GET";
        context.Request.Path = "/protected";
        context.SetEndpoint(new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/protected"), 0,
            new EndpointMetadataCollection(new HttpMethodMetadata(["GET"]), RouteRulesMetadata.Instance), "GET /protected"));
        return (context, new EndpointProbe());
    }

    private static Claim[] Claims(string principalId) =>
        [new(ApiGatewayAuthorizerClaimTypes.PrincipalId, principalId), new(ApiGatewayAuthorizerClaimTypes.Permission, "read")];

    private static AuthenticateResult Success(string scheme, string principalId) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(Claims(principalId), scheme)), scheme));

    private sealed class EndpointProbe
    {
        public bool Ran { get; set; }
    }

    private sealed class ResultFeature(AuthenticateResult result) : IAuthenticateResultFeature
    {
        public AuthenticateResult? AuthenticateResult { get; set; } = result;
    }

    private sealed class CountingAuthentication(AuthenticateResult answer) : IAuthenticationService
    {
        public int Calls { get; private set; }
        public int Challenges { get; private set; }

        public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme)
        {
            Assert.Equal(Scheme, scheme);
            Calls++;
            return Task.FromResult(answer);
        }

        public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties)
        {
            Assert.Equal(Scheme, scheme);
            Challenges++;
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();
        public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties) => throw new NotSupportedException();
        public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();
    }
}
