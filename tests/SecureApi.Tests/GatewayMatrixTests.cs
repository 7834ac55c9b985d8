using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>The shared matrix (tools/SecureApi.Testing/GatewayCases.cs) through the real local gateway stage.</summary>
public sealed class GatewayMatrixTests(SecureApiFactory factory) : IClassFixture<SecureApiFactory>
{
    public static TheoryData<string> Cases => new(GatewayCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Local_stage_answers_as_the_gateway_matrix_says(string name)
    {
        var row = GatewayCases.Named(name);

        var (status, body, _) = await factory.SendAsync(row.Request);

        Assert.Empty(row.Check(status, body));
    }

    [Theory]
    [InlineData("/protected")]
    [InlineData("/protected/admin")]
    public async Task Gateway_rejections_carry_api_gateway_json_and_error_type(string path)
    {
        var (status, body, headers) = await factory.SendAsync(new CaseRequest("GET", path));

        Assert.Equal(401, status);
        Assert.Equal("""{"message":"Unauthorized"}""", body);
        Assert.Equal("application/json", headers.ContentType);
        Assert.Equal("UnauthorizedException", headers["x-amzn-ErrorType"]);
    }

    [Theory]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer a.b")]
    [InlineData("Token a.b.c")]
    public async Task A_header_that_cannot_be_a_bearer_jwt_is_refused_without_invoking_the_authorizer(string header)
    {
        var before = factory.AuthorizerInvocations;

        var (status, body, _) = await factory.SendAsync(new CaseRequest("GET", "/protected", ExtraHeaders: [new("Authorization", header)]));

        Assert.Equal(401, status);
        Assert.Equal("""{"message":"Unauthorized"}""", body);
        Assert.Equal(before, factory.AuthorizerInvocations);
    }

    [Theory]
    [InlineData("/protected/")]
    [InlineData("/protected/admin/")]
    public async Task A_trailing_slash_still_meets_the_routes_authorizer(string path)
    {
        var (status, body, _) = await factory.SendAsync(new CaseRequest("GET", path));

        Assert.Equal(401, status);
        Assert.Equal("""{"message":"Unauthorized"}""", body);
    }

    [Theory]
    [InlineData("/PROTECTED")]
    [InlineData("/Protected/Admin")]
    public async Task Case_variants_of_protected_paths_are_no_resource_and_never_reach_the_api(string path)
    {
        // API Gateway matches resources case-sensitively; the stage does too, so the app's case-insensitive routing
        // never sees a path variant that skipped its authorizer.
        var (status, _, headers) = await factory.SendAsync(new CaseRequest("GET", path, CaseCredential.AdminToken));

        Assert.Equal(404, status);
        Assert.Equal("MissingAuthenticationTokenException", headers["x-amzn-ErrorType"]);
    }
}
