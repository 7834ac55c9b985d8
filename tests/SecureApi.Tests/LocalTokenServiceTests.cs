using System.Text;
using System.Text.Json;
using SecureApi.LocalGateway;
using SecureApi.Testing;
using SecureApi.Testing.Saml;

namespace SecureApi.Tests;

/// <summary>
/// The local stage serves the token service in process (no authorizer on its routes) and its TOKEN authorizer trusts
/// the minted tokens as registry entry "saml" with no TokenAuthorizer setting: a .NET-signed assertion (DotNetIdp)
/// becomes a token that GET /protected accepts, for principal saml:{idp}:{nameid} with the role its group maps to.
/// </summary>
public sealed class LocalTokenServiceTests : IDisposable
{
    private readonly DotNetIdp _idp = new();

    private SecureApiFactory NewFactory(IDictionary<string, string?>? overrides = null)
    {
        var settings = AssertionSpec.TokenServiceSettings(_idp.CertificatePem);
        // Ours left to the stage's defaults: only the IdP and the Recipient/Audience the assertion names are set.
        settings.Remove("Saml:TokenIssuer");
        settings.Remove("Saml:TokenAudience");
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        return new SecureApiFactory { ExtraConfiguration = settings };
    }

    private async Task<(int Status, JsonElement Json, string? CacheControl)> ExchangeAsync(SecureApiFactory factory, AssertionSpec spec)
    {
        var xml = await _idp.SignAsync(spec.ToXml());
        using var client = factory.CreateClient();
        using var response = await client.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:saml2-bearer",
            ["assertion"] = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(xml)),
        }));
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(body).RootElement.Clone(), response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_signed_assertion_exchanged_at_the_local_stage_opens_protected_as_saml_idp_nameid_with_the_mapped_role()
    {
        await using var factory = NewFactory();
        var spec = new AssertionSpec { Now = factory.Clock.GetUtcNow(), NameId = "alice@example.test", Permissions = ["read"] };

        var (status, token, cacheControl) = await ExchangeAsync(factory, spec);
        Assert.Equal(200, status);
        Assert.Equal("no-store", cacheControl);

        var (protectedStatus, body, _) = await factory.SendAsync(new CaseRequest("GET", "/protected",
            ExtraHeaders: [new("Authorization", "Bearer " + token.GetProperty("access_token").GetString())]));

        Assert.Equal(200, protectedStatus);
        var user = JsonDocument.Parse(body).RootElement.GetProperty("user");
        Assert.Equal($"{LocalTokenService.IssuerName}:corp:alice@example.test", user.GetProperty("principalId").GetString());
        Assert.Equal("admin", user.GetProperty("role").GetString()); // "Domain Admins" → admin
    }

    [Fact]
    public async Task The_local_stage_serves_the_per_run_signing_key_as_a_jwks_without_a_credential()
    {
        await using var factory = NewFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/.well-known/jwks.json");

        Assert.Equal(200, (int)response.StatusCode);
        var key = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("keys")[0];
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
    }

    [Fact]
    public async Task A_token_from_another_run_of_the_token_service_is_refused_by_the_local_stage()
    {
        await using var first = NewFactory();
        await using var second = NewFactory();
        var (_, token, _) = await ExchangeAsync(first, new AssertionSpec { Now = first.Clock.GetUtcNow(), Permissions = ["read"] });

        var (status, _, _) = await second.SendAsync(new CaseRequest("GET", "/protected",
            ExtraHeaders: [new("Authorization", "Bearer " + token.GetProperty("access_token").GetString())]));

        Assert.Equal(401, status); // each run signs with its own key; the stage trusts only its own
    }

    public void Dispose() => _idp.Dispose();
}
