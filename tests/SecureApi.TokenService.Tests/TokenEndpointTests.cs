using SecureApi.Testing.Saml;
using System.Net.Sockets;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.Testing;

namespace SecureApi.TokenService.Tests;

/// <summary>The token endpoint's contract (issue 26): the token's claims, the §5.2 errors, fail-closed behaviour.</summary>
public sealed class TokenEndpointTests : IClassFixture<TokenEndpointTests.Idp>, IDisposable
{
    public sealed class Idp : IDisposable
    {
        public DotNetIdp Signer { get; } = new();
        public void Dispose() => Signer.Dispose();
    }

    private readonly DotNetIdp _idp;
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())); // whole seconds, as assertions write times
    private readonly TokenServiceFactory _service;

    public TokenEndpointTests(Idp idp)
    {
        _idp = idp.Signer;
        _service = new TokenServiceFactory(_idp.CertificatePem, _clock);
    }

    private AssertionSpec Spec() => new() { Now = _clock.GetUtcNow() };

    private async Task<JsonWebToken> TokenFor(AssertionSpec spec, string? scope = null)
    {
        var answer = await _service.ExchangeAsync(await _idp.SignAsync(spec.ToXml()), scope);
        Assert.Equal(200, answer.Status);
        return new JsonWebToken(answer.AccessToken);
    }

    [Fact]
    public async Task The_token_carries_the_qualified_subject_mapped_roles_permissions_and_amr()
    {
        var token = await TokenFor(Spec());

        Assert.Equal("RS256", token.Alg);
        Assert.Equal(TokenServiceFactory.TokenIssuer, token.Issuer);
        Assert.Equal([TokenServiceFactory.TokenAudience], token.Audiences);
        Assert.Equal("corp:alice@example.test", token.Subject);
        Assert.Equal(["admin"], token.GetPayloadValue<string[]>("roles"));           // "Staff" has no RoleMap entry: dropped
        Assert.Equal(["orders:read", "orders:write"], token.GetPayloadValue<string[]>("permissions"));
        Assert.Equal(["pwd"], token.GetPayloadValue<string[]>("amr"));
    }

    [Fact]
    public async Task An_IdP_multi_factor_login_becomes_amr_mfa()
    {
        var token = await TokenFor(Spec() with { AuthnContextClassRef = "http://schemas.microsoft.com/claims/multipleauthn" });

        Assert.Contains("mfa", token.GetPayloadValue<string[]>("amr"));
        Assert.True(token.TryGetPayloadValue<long>("auth_time", out _));
    }

    [Fact]
    public async Task The_token_lives_the_configured_lifetime_when_the_assertion_lives_longer()
    {
        var answer = await _service.ExchangeAsync(await _idp.SignAsync((Spec() with { ValidFor = TimeSpan.FromMinutes(50) }).ToXml()));

        Assert.Equal(900, answer.Json.GetProperty("expires_in").GetInt32());
        Assert.Equal("Bearer", answer.Json.GetProperty("token_type").GetString());
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds() + 900, new JsonWebToken(answer.AccessToken).GetPayloadValue<long>("exp"));
    }

    [Fact]
    public async Task The_token_ends_no_later_than_the_assertion()
    {
        var answer = await _service.ExchangeAsync(await _idp.SignAsync((Spec() with { ValidFor = TimeSpan.FromMinutes(2) }).ToXml()));

        Assert.Equal(120, answer.Json.GetProperty("expires_in").GetInt32());
    }

    [Fact]
    public async Task A_requested_scope_within_the_permissions_is_granted_alone()
    {
        var answer = await _service.ExchangeAsync(await _idp.SignAsync(Spec().ToXml()), scope: "orders:read");

        Assert.Equal("orders:read", answer.Json.GetProperty("scope").GetString());
        Assert.Equal(["orders:read"], new JsonWebToken(answer.AccessToken).GetPayloadValue<string[]>("permissions"));
    }

    [Fact]
    public async Task A_requested_scope_beyond_the_permissions_is_invalid_scope_and_leaves_the_assertion_usable()
    {
        var signed = await _idp.SignAsync(Spec().ToXml());

        var refused = await _service.ExchangeAsync(signed, scope: "orders:read admin:everything");

        Assert.Equal((400, "invalid_scope"), (refused.Status, refused.Error));
        Assert.Equal(200, (await _service.ExchangeAsync(signed)).Status);
    }

    [Theory]
    [InlineData("authorization_code", "unsupported_grant_type")]
    [InlineData(null, "invalid_request")]
    public async Task A_missing_or_other_grant_type_is_an_RFC_6749_error(string? grantType, string error)
    {
        var answer = await _service.PostAsync(new() { ["grant_type"] = grantType, ["assertion"] = "abc" });

        Assert.Equal((400, error), (answer.Status, answer.Error));
        Assert.True(answer.CacheControl?.NoStore);
    }

    [Fact]
    public async Task A_missing_assertion_is_invalid_request()
    {
        var answer = await _service.PostAsync(new() { ["grant_type"] = "urn:ietf:params:oauth:grant-type:saml2-bearer" });

        Assert.Equal((400, "invalid_request"), (answer.Status, answer.Error));
    }

    [Fact]
    public async Task A_form_far_past_any_valid_assertion_is_invalid_request_without_repeating_it()
    {
        var answer = await _service.PostAsync(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:saml2-bearer",
            ["assertion"] = new string('A', 200 * 1024),
        });

        Assert.Equal((400, "invalid_request"), (answer.Status, answer.Error));
        Assert.DoesNotContain("AAAA", answer.Description ?? "");
    }

    [Fact]
    public async Task A_body_that_is_not_a_form_is_invalid_request()
    {
        using var client = _service.CreateClient();
        using var response = await client.PostAsync("/oauth2/token", new StringContent("{\"grant_type\":\"x\"}", Encoding.UTF8, "application/json"));
        var answer = await TokenAnswer.ReadAsync(response);

        Assert.Equal((400, "invalid_request"), (answer.Status, answer.Error));
    }

    [Fact]
    public async Task A_repeated_parameter_is_invalid_request()
    {
        using var client = _service.CreateClient();
        var form = new FormUrlEncodedContent([new("grant_type", "urn:ietf:params:oauth:grant-type:saml2-bearer"), new("assertion", "a"), new("assertion", "b")]);
        using var response = await client.PostAsync("/oauth2/token", form);
        var answer = await TokenAnswer.ReadAsync(response);

        Assert.Equal((400, "invalid_request"), (answer.Status, answer.Error));
        Assert.Contains("assertion", answer.Description);
    }

    [Fact]
    public async Task The_error_never_repeats_the_assertion_or_its_contents()
    {
        var signed = await _idp.SignAsync((Spec() with { NameId = "marker-7f3a@example.test", AudienceValue = "https://marker-9c1d.example.test" }).ToXml());

        var answer = await _service.ExchangeAsync(signed);

        Assert.Equal("invalid_grant", answer.Error);
        Assert.DoesNotContain("marker", answer.Body);
        Assert.DoesNotContain(TokenServiceFactory.Encode(signed)[..40], answer.Body);
    }

    [Fact]
    public async Task The_replay_cache_unreachable_fails_closed_with_503_and_no_token()
    {
        using var closed = new TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var service = new TokenServiceFactory(_idp.CertificatePem, _clock, new Dictionary<string, string?>
        {
            ["AuthorizationStore:TableName"] = "authz-closed",
            ["AuthorizationStore:ServiceUrl"] = $"http://127.0.0.1:{port}",
            ["AuthorizationStore:Region"] = "us-east-1",
            ["AuthorizationStore:TimeoutMilliseconds"] = "500",
        });

        var answer = await service.ExchangeAsync(await _idp.SignAsync(Spec().ToXml()));

        Assert.Equal(503, answer.Status);
        Assert.False(answer.Json.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task An_unexpected_failure_answers_500_without_detail_or_token()
    {
        using var service = new TokenServiceFactory(_idp.CertificatePem, _clock,
            services: s => s.AddSingleton<SecureApi.TokenService.Tokens.ITokenSigner>(new BrokenSigner()));

        var answer = await service.ExchangeAsync(await _idp.SignAsync(Spec().ToXml()));

        Assert.Equal((500, "server_error"), (answer.Status, answer.Error));
        Assert.DoesNotContain("secret-detail", answer.Body);
        Assert.True(answer.CacheControl?.NoStore);
    }

    private sealed class BrokenSigner : SecureApi.TokenService.Tokens.ITokenSigner
    {
        public Task<byte[]> SignAsync(byte[] signingInput, CancellationToken cancellationToken) => throw new InvalidOperationException("secret-detail");
        public Task<SecureApi.TokenService.Tokens.SigningKey> PublicKeyAsync(CancellationToken cancellationToken) =>
            Task.FromResult(SecureApi.TokenService.Tokens.SigningKey.From(System.Security.Cryptography.RSA.Create(2048).ExportParameters(false)));
    }

    private static readonly Dictionary<string, string?> BadSettings = new()
    {
        ["Saml:Audience"] = null,
        ["Saml:TokenLifetimeSeconds"] = "7200",
        ["Saml:IdentityProviders:0:SigningCertificates"] = "not a certificate",
    };

    [Fact]
    public void Invalid_settings_are_refused_naming_each_setting()
    {
        var settings = AssertionSpec.TokenServiceSettings(_idp.CertificatePem);
        foreach (var (key, value) in BadSettings) settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var errors = string.Join("\n", SecureApi.TokenService.Saml.SamlOptions.FromConfiguration(configuration.GetSection("Saml")).Validate());

        Assert.Contains("Saml__Audience", errors);
        Assert.Contains("Saml__TokenLifetimeSeconds", errors);
        Assert.Contains("Saml__IdentityProviders__0__SigningCertificates", errors);
    }

    [Fact]
    public async Task Invalid_settings_stop_the_service_at_start()
    {
        using var service = new TokenServiceFactory(_idp.CertificatePem, _clock, BadSettings);

        // The cause is in the exception or, when the host loses its disposal race (dotnet/aspnetcore#33494), only in its log.
        await Assert.ThrowsAnyAsync<Exception>(() => Task.Run(() => service.CreateClient()));
    }

    [Fact]
    public async Task An_IdP_trusted_through_its_metadata_XML_has_its_signing_certificate_pinned()
    {
        var body = Convert.ToBase64String(_idp.Certificate.RawData);
        var metadata = $"""
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{AssertionSpec.IdpEntityId}"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor>
            """;
        using var service = new TokenServiceFactory(_idp.CertificatePem, _clock, new Dictionary<string, string?>
        {
            ["Saml:IdentityProviders:0:SigningCertificates"] = null,
            ["Saml:IdentityProviders:0:MetadataXml"] = metadata,
        });

        Assert.Equal(200, (await service.ExchangeAsync(await _idp.SignAsync(Spec().ToXml()))).Status);
    }

    public void Dispose() => _service.Dispose();
}
