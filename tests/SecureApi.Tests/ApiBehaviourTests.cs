using System.Text.Json;
using SecureApi.Testing;

namespace SecureApi.Tests;

public sealed class ApiBehaviourTests(SecureApiFactory factory) : IClassFixture<SecureApiFactory>
{
    [Fact]
    public async Task OpenApi_document_describes_the_routes_and_their_security_schemes()
    {
        using var client = factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var root = document.RootElement;
        var paths = root.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/public", out _));
        Assert.True(paths.TryGetProperty("/protected", out var protectedPath));
        Assert.True(paths.TryGetProperty("/protected/admin", out var adminPath));
        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("TokenAuthorizer").GetProperty("scheme").GetString());
        Assert.Equal("api_key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("X-Custom-Auth", schemes.GetProperty("CustomAuthHeader").GetProperty("name").GetString());
        Assert.Contains("TokenAuthorizer", protectedPath.GetProperty("get").GetProperty("security").GetRawText());
        Assert.Contains("ApiKey", adminPath.GetProperty("get").GetProperty("security").GetRawText());
    }

    [Fact]
    public async Task Unhandled_exception_is_a_500_problem_details_without_internals()
    {
        var clock = new FailingClock();
        await using var failing = new SecureApiFactory { TimeOverride = clock };
        _ = failing.Server; // start the host while the clock still works
        clock.Fail = true;

        var (status, body, headers) = await failing.SendAsync(new CaseRequest("GET", "/public"));

        Assert.Equal(500, status);
        Assert.Equal("application/problem+json", headers.ContentType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(500, problem.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("clock exploded", body);
        Assert.DoesNotContain("FailingClock", body);
        Assert.DoesNotContain(" at ", body);
    }

    [Fact]
    public async Task Public_response_uses_camel_case_names()
    {
        var (_, body, _) = await factory.SendAsync(new CaseRequest("GET", "/public"));

        Assert.Contains("\"publicData\"", body);
        Assert.Contains("\"availableEndpoints\"", body);
        Assert.DoesNotContain("PublicData", body);
    }

    private sealed class FailingClock : TimeProvider
    {
        public volatile bool Fail;

        public override DateTimeOffset GetUtcNow() => Fail ? throw new InvalidOperationException("clock exploded") : base.GetUtcNow();
    }
}
