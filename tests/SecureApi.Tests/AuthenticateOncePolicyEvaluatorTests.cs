using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.Auth;

namespace SecureApi.Tests;

public sealed class AuthenticateOncePolicyEvaluatorTests
{
    private const string Scheme = ApiGatewayAuthorizerDefaults.AuthenticationScheme;

    private static readonly AuthorizationPolicy RoutePolicy =
        new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build();

    [Fact]
    public async Task The_route_policy_takes_the_authorizer_schemes_success_without_running_the_scheme_again()
    {
        var schemes = new CountingAuthentication(AuthenticateResult.Fail("must not be asked"));
        var context = Context(schemes);
        var earlier = Success(Scheme, "user-1");
        context.Features.Set<IAuthenticateResultFeature>(new ResultFeature(earlier));

        var result = await Evaluator().AuthenticateAsync(RoutePolicy, context);

        Assert.Same(earlier, result);
        Assert.Same(earlier.Principal, context.User);
        Assert.Equal(0, schemes.Calls);
    }

    [Fact]
    public async Task The_hosting_user_is_never_accepted_when_the_authorizer_scheme_refused_the_context()
    {
        var schemes = new CountingAuthentication(AuthenticateResult.Fail("The token behind the authorizer context has expired."));
        var context = Context(schemes);
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("principalId", "user-1")], "AuthorizerIdentity"));

        var result = await Evaluator().AuthenticateAsync(RoutePolicy, context);

        Assert.False(result.Succeeded);
        Assert.False(context.User.Identity?.IsAuthenticated);
        Assert.Equal(1, schemes.Calls);
    }

    [Fact]
    public async Task Another_schemes_success_is_not_taken_for_the_authorizer_scheme()
    {
        var schemes = new CountingAuthentication(AuthenticateResult.NoResult());
        var context = Context(schemes);
        context.Features.Set<IAuthenticateResultFeature>(new ResultFeature(Success("Other", "someone")));

        var result = await Evaluator().AuthenticateAsync(RoutePolicy, context);

        Assert.False(result.Succeeded);
        Assert.Equal(1, schemes.Calls);
    }

    private static AuthenticateOncePolicyEvaluator Evaluator() =>
        new(new ServiceCollection().AddLogging().AddAuthorization().BuildServiceProvider().GetRequiredService<IAuthorizationService>());

    private static DefaultHttpContext Context(IAuthenticationService schemes) =>
        new() { RequestServices = new ServiceCollection().AddSingleton(schemes).BuildServiceProvider() };

    private static AuthenticateResult Success(string scheme, string principalId) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim("principalId", principalId)], scheme)), scheme));

    private sealed class ResultFeature(AuthenticateResult result) : IAuthenticateResultFeature
    {
        public AuthenticateResult? AuthenticateResult { get; set; } = result;
    }

    private sealed class CountingAuthentication(AuthenticateResult answer) : IAuthenticationService
    {
        public int Calls { get; private set; }

        public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme)
        {
            Assert.Equal(Scheme, scheme);
            Calls++;
            return Task.FromResult(answer);
        }

        public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();
        public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();
        public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties) => throw new NotSupportedException();
        public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();
    }
}
