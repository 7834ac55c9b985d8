using System.Security.Claims;
using SecureApi.Auth;

namespace SecureApi.Tests;

public sealed class ClaimValuesTests
{
    private static readonly ClaimsPrincipal TwoIdentities = new(
    [
        new ClaimsIdentity([new Claim("role", "user"), new Claim("permission", "read")], "first"),
        new ClaimsIdentity([new Claim("Permission", "write"), new Claim("principalId", "p-1")], "second"),
    ]);

    [Theory]
    [InlineData("role")]
    [InlineData("PRINCIPALID")]
    [InlineData("permission")]
    [InlineData("missing")]
    public void Claim_lookups_answer_as_the_framework_does_across_identities_and_ignoring_the_types_case(string type)
    {
        Assert.Equal(TwoIdentities.FindFirst(type)?.Value, ClaimValues.First(TwoIdentities, type));
        Assert.Equal(TwoIdentities.FindAll(type).Select(c => c.Value), ClaimValues.All(TwoIdentities, type));
    }

    [Fact]
    public void The_authorizer_schemes_single_identity_yields_every_value_of_a_type_in_order()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("permission", "read"), new Claim("role", "admin"), new Claim("permission", "write")], "ApiGatewayAuthorizer"));

        Assert.Equal(["read", "write"], ClaimValues.All(user, "permission"));
        Assert.Equal("admin", ClaimValues.First(user, "ROLE"));
    }
}
