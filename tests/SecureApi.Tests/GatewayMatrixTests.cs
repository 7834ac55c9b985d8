using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>The shared matrix (tests/SecureApi.Testing/GatewayCases.cs) through the real local gateway stage.</summary>
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
    [InlineData("/PROTECTED")]
    [InlineData("/protected/")]
    [InlineData("/Protected/Admin")]
    [InlineData("/protected/admin/")]
    public async Task Path_variants_of_protected_routes_still_meet_the_authorizer(string path)
    {
        var (status, body, _) = await factory.SendAsync(new CaseRequest("GET", path));

        Assert.Equal(401, status);
        Assert.Equal("""{"message":"Unauthorized"}""", body);
    }

    [Fact]
    public async Task Path_variant_with_a_valid_token_is_not_in_the_policy()
    {
        var (status, _, _) = await factory.SendAsync(new CaseRequest("GET", "/PROTECTED", CaseCredential.AdminToken));

        Assert.Equal(403, status);
    }
}
