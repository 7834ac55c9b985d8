using SecureApi.LocalGateway;
using SecureApi.Testing;

namespace SecureApi.Tests;

public sealed class AuthorizerCacheTests
{
    [Fact]
    public async Task Cached_token_result_is_honoured_within_its_ttl()
    {
        await using var factory = new SecureApiFactory();
        var request = new CaseRequest("GET", "/protected", CaseCredential.UserToken);

        var first = await factory.SendAsync(request);
        factory.Clock.Advance(TimeSpan.FromSeconds(299));
        var second = await factory.SendAsync(request);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal(1, factory.AuthorizerInvocations);
    }

    [Fact]
    public async Task Cached_token_result_expires_after_its_ttl()
    {
        await using var factory = new SecureApiFactory();
        var request = new CaseRequest("GET", "/protected", CaseCredential.UserToken);

        await factory.SendAsync(request);
        factory.Clock.Advance(TimeSpan.FromSeconds(301));
        var again = await factory.SendAsync(request);

        Assert.Equal(200, again.Status);
        Assert.Equal(2, factory.AuthorizerInvocations);
    }

    [Fact]
    public async Task A_cached_allow_for_a_token_that_has_since_expired_is_refused_by_the_api()
    {
        await using var factory = new SecureApiFactory();
        var request = new CaseRequest("GET", "/protected", CaseCredential.ShortLivedToken);

        var fresh = await factory.SendAsync(request);
        factory.Clock.Advance(TimeSpan.FromMinutes(3)); // past the token's exp, inside the 300 s TOKEN cache
        var cached = await factory.SendAsync(request);

        Assert.Equal(200, fresh.Status);
        Assert.Equal(1, factory.AuthorizerInvocations); // the gateway served its cached Allow
        Assert.Equal(401, cached.Status);
        Assert.Equal("application/problem+json", cached.Headers.ContentType);
    }

    [Fact]
    public async Task Cached_deny_is_honoured_without_calling_the_authorizer_again()
    {
        await using var factory = new SecureApiFactory();
        var request = new CaseRequest("GET", "/protected", CaseCredential.NoReadToken);

        var first = await factory.SendAsync(request);
        var second = await factory.SendAsync(request);

        Assert.Equal(403, first.Status);
        Assert.Equal(403, second.Status);
        Assert.Equal(1, factory.AuthorizerInvocations);
    }

    [Fact]
    public async Task Unauthorized_token_result_is_not_cached()
    {
        await using var factory = new SecureApiFactory();
        var request = new CaseRequest("GET", "/protected", CaseCredential.ExpiredToken);

        await factory.SendAsync(request);
        await factory.SendAsync(request);

        Assert.Equal(2, factory.AuthorizerInvocations);
    }

    [Fact]
    public async Task Missing_token_is_rejected_without_calling_the_authorizer()
    {
        await using var factory = new SecureApiFactory();

        var response = await factory.SendAsync(new CaseRequest("GET", "/protected"));

        Assert.Equal(401, response.Status);
        Assert.Equal(0, factory.AuthorizerInvocations);
    }

    [Fact]
    public async Task Request_authorizer_with_ttl_zero_is_called_for_every_request()
    {
        await using var factory = new SecureApiFactory();
        var request = new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey);

        await factory.SendAsync(request);
        await factory.SendAsync(request);

        Assert.Equal(2, factory.AuthorizerInvocations);
    }

    [Fact]
    public async Task Each_authorizer_runs_once_per_request_when_the_stage_is_added_more_than_once()
    {
        // Debug builds add the stage in Program.cs and the factory adds it again; this adds a third on purpose, so
        // the Release build proves the same.
        await using var factory = new SecureApiFactory { ExtraServices = services => services.AddLocalGateway() };
        var request = new CaseRequest("GET", "/protected/admin", CaseCredential.AdminApiKey);

        var first = await factory.SendAsync(request);
        var second = await factory.SendAsync(request);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal(2, factory.AuthorizerInvocations);
    }
}
