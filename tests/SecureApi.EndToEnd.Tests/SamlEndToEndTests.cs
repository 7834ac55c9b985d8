using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SecureApi.LocalGateway;
using SecureApi.Testing;
using SecureApi.Testing.Saml;
using SecureApi.TokenService;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// A SAML assertion all the way to the API (docs/saml.md): the token service exchanges it for a token, and the
/// published TOKEN authorizer — trusting the token service as registry entry "saml", as serverless.template
/// configures it next to the single-issuer settings — lets the published API answer GET /protected with the mapped
/// role. The entry's keys are the token service's JWKS inline (the template's JwksUri points at the same document,
/// which the in-memory test server cannot serve to another process).
/// </summary>
[Trait("Category", "Integration")] // starts the published functions
public sealed class SamlEndToEndTests : IAsyncLifetime
{
    private readonly DotNetIdp _idp = new();
    private WebApplicationFactory<TokenExchange> _tokenService = null!;
    private DeployedStack _stack = null!;

    public async Task InitializeAsync()
    {
        _tokenService = new WebApplicationFactory<TokenExchange>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in AssertionSpec.TokenServiceSettings(_idp.CertificatePem)) builder.UseSetting(key, value);
        });
        using var client = _tokenService.CreateClient();
        var jwks = await client.GetStringAsync(TokenApi.JwksPath);
        var trustTheTokenService = new Dictionary<string, string>
        {
            ["TokenAuthorizer__Issuers__0__Name"] = "saml",
            ["TokenAuthorizer__Issuers__0__Issuer"] = AssertionSpec.TokenIssuer,
            ["TokenAuthorizer__Issuers__0__Audiences"] = AssertionSpec.TokenAudience,
            ["TokenAuthorizer__Issuers__0__Jwks"] = jwks,
        };
        // As the template sets it when the token service exists: the API knows the registry name too, so its route check
        // keeps accepting the authorizer's Allows for that issuer (RegisteredIssuers).
        var apiKnowsTheIssuer = new Dictionary<string, string> { ["TokenAuthorizer__Issuers__0__Name"] = "saml" };
        _stack = new DeployedStack
        {
            ExtraEnvironment = handler => handler switch
            {
                "TokenAuthorizer" => trustTheTokenService,
                "SecureApi" => apiKnowsTheIssuer,
                _ => new Dictionary<string, string>(),
            },
        };
        await _stack.InitializeAsync();
    }

    [Fact]
    public async Task An_exchanged_assertion_opens_GET_protected_with_the_role_mapped_from_its_group()
    {
        var spec = new AssertionSpec { Now = DateTimeOffset.UtcNow, Groups = ["Domain Admins"], Permissions = ["read"] };
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = TokenExchange.Saml2BearerGrantType,
            ["assertion"] = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(await _idp.SignAsync(spec.ToXml()))),
        });
        using var client = _tokenService.CreateClient();
        using var exchanged = await client.PostAsync(TokenApi.TokenPath, form);
        exchanged.EnsureSuccessStatusCode();
        var token = (await exchanged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();

        var response = await _stack.SendAsync(GatewayRequest.Create("GET", "/protected",
            [new("Authorization", "Bearer " + token)], sourceIp: GatewayTestCredentials.DefaultSourceIp));

        Assert.True(response.StatusCode == 200, $"{response.StatusCode} {response.GatewayReason} {response.Body}");
        var user = JsonDocument.Parse(response.Body).RootElement.GetProperty("user");
        Assert.Equal("saml:corp:alice@example.test", user.GetProperty("principalId").GetString());
        Assert.Equal("admin", user.GetProperty("role").GetString());
        Assert.Equal("jwt", user.GetProperty("authType").GetString(), ignoreCase: true);
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        await _tokenService.DisposeAsync();
        _idp.Dispose();
    }
}
