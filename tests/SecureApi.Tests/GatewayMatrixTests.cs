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
}
