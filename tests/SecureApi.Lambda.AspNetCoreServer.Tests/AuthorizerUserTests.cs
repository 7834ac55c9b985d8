using System.Security.Claims;
using System.Text.Json;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Lambda.AspNetCoreServer.Tests;

/// <summary>
/// docs/wire-contracts.md §2.9: a plain app (no authentication scheme of its own) sees the API Gateway authorizer
/// context as an authenticated <c>HttpContext.User</c>, as on Amazon.Lambda.AspNetCoreServer.Hosting.
/// </summary>
public sealed class AuthorizerUserTests
{
    public static TheoryData<string, string[]> Contexts => new()
    {
        // Lambda authorizer: one claim per top-level key, values as API Gateway stringified them.
        { """{"principalId":"user-1","integrationLatency":12,"role":"admin","mfa":true}""",
            ["principalId=user-1", "integrationLatency=12", "role=admin", "mfa=true"] },
        // Cognito user-pool authorizer: the string entries of the claims map, and nothing else.
        { """{"claims":{"sub":"u-42","email":"ada@example.com","cognito:groups":"admins","nbf":1700000000},"principalId":"x"}""",
            ["sub=u-42", "email=ada@example.com", "cognito:groups=admins"] },
        // A claims key that is no Cognito map is neither a claim nor a reason to fail.
        { """{"principalId":"user-2","claims":"plain text","note":null}""", ["principalId=user-2"] },
        { """{"principalId":"user-3","claims":{}}""", ["principalId=user-3"] },
    };

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task Authorizer_context_becomes_an_authenticated_user_with_one_claim_per_entry(string authorizer, string[] expected)
    {
        var (app, recorder) = await TestApp.StartRecordingAsync();
        await using (app)
        {
            await app.InvokeAsync(WithAuthorizer(authorizer));

            var user = recorder.Last!.User;
            Assert.True(user.Identity?.IsAuthenticated);
            Assert.Equal("AuthorizerIdentity", user.Identity!.AuthenticationType);
            Assert.Equal(expected.Order(), user.Claims.Select(c => $"{c.Type}={c.Value}").Order());
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("""{"principalId":null}""")]
    public async Task Request_without_an_authorizer_context_or_with_an_empty_one_stays_anonymous(string? authorizer)
    {
        var (app, recorder) = await TestApp.StartRecordingAsync();
        await using (app)
        {
            await app.InvokeAsync(authorizer is null ? Events.Get("/public") : WithAuthorizer(authorizer));

            Assert.False(recorder.Last!.User.Identity?.IsAuthenticated ?? false);
            Assert.Empty(recorder.Last!.User.Claims);
        }
    }

    [Fact]
    public async Task The_next_invocation_does_not_inherit_the_previous_caller()
    {
        var (app, recorder) = await TestApp.StartRecordingAsync();
        await using (app)
        {
            await app.InvokeAsync(WithAuthorizer("""{"principalId":"user-1"}"""));
            await app.InvokeAsync(Events.Get("/public"));

            Assert.False(recorder.Last!.User.Identity?.IsAuthenticated ?? false);
        }
    }

    [Fact]
    public async Task App_relying_on_Authorize_alone_admits_the_caller_the_gateway_authorized()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/orders", (ClaimsPrincipal user) => $"orders of {user.FindFirst("principalId")?.Value}")
                .RequireAuthorization(policy => policy.RequireClaim("role", "admin")),
            services: s => s.AddAuthorization());

        var response = await app.InvokeAsync(WithAuthorizer("""{"principalId":"user-1","role":"admin"}""", "/orders"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("orders of user-1", response.Body);
    }

    [Fact]
    public async Task PostMarshallHttpAuthenticationFeature_sees_the_caller_and_may_replace_it()
    {
        string? seenByHook = null;
        var (app, recorder) = await TestApp.StartRecordingAsync(o => o.PostMarshallHttpAuthenticationFeature = (feature, _, _) =>
        {
            seenByHook = feature.User?.FindFirst("principalId")?.Value;
            feature.User = null;
        });
        await using (app)
        {
            await app.InvokeAsync(WithAuthorizer("""{"principalId":"user-1"}"""));

            Assert.Equal("user-1", seenByHook);
            Assert.False(recorder.Last!.User.Identity?.IsAuthenticated ?? false);
        }
    }

    /// <summary>An event whose authorizer block is deserialized from JSON, as the function receives it.</summary>
    private static APIGatewayProxyRequest WithAuthorizer(string authorizerJson, string path = "/protected")
    {
        var request = Events.Get(path);
        request.RequestContext!.Authorizer = JsonSerializer.Deserialize(authorizerJson, APIGatewayEventsJsonContext.Default.APIGatewayCustomAuthorizerContext);
        return request;
    }
}
