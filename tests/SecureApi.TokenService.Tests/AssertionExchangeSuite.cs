using SecureApi.Testing.Saml;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SecureApi.Testing;

namespace SecureApi.TokenService.Tests;

/// <summary>
/// What an assertion must be to be exchanged (docs/saml.md), against one IdP implementation: every refusal starts
/// from an assertion that IdP signed, then tampered with or signed wrongly, and checks the reason given.
/// </summary>
public abstract class AssertionExchangeSuite : IDisposable
{
    protected abstract IAssertionSigner Idp { get; }
    protected abstract IAssertionSigner OtherKey { get; }

    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())); // whole seconds, as assertions write times
    private TokenServiceFactory? _factory;
    private TokenServiceFactory Service => _factory ??= new TokenServiceFactory(Idp.CertificatePem, _clock);

    private AssertionSpec Spec() => new() { Now = _clock.GetUtcNow() };

    private async Task RefusedAsync(string xml, string reason)
    {
        var answer = await Service.ExchangeAsync(xml);
        Assert.Equal(400, answer.Status);
        Assert.Equal("invalid_grant", answer.Error);
        Assert.Contains(reason, answer.Description, StringComparison.OrdinalIgnoreCase);
        Assert.True(answer.CacheControl?.NoStore);
    }

    [Fact]
    public async Task An_assertion_the_IdP_signed_is_exchanged_for_a_token_the_JWKS_verifies()
    {
        var answer = await Service.ExchangeAsync(await Idp.SignAsync(Spec().ToXml()));

        Assert.Equal(200, answer.Status);
        Assert.True(answer.CacheControl?.NoStore);
        using var client = Service.CreateClient();
        var keys = new JsonWebKeySet(await client.GetStringAsync("/.well-known/jwks.json"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(answer.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = TokenServiceFactory.TokenIssuer,
            ValidAudience = TokenServiceFactory.TokenAudience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = ["RS256"],
            LifetimeValidator = (_, _, _, _) => true, // the manual clock, not the wall clock, is "now" here
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("corp:alice@example.test", token.Subject);
    }

    [Fact]
    public async Task An_unsigned_assertion_is_refused() =>
        await RefusedAsync(Spec().ToXml(), "not signed");

    [Fact]
    public async Task An_assertion_signed_by_another_key_is_refused() =>
        await RefusedAsync(await OtherKey.SignAsync(Spec().ToXml()), "does not verify");

    [Fact]
    public async Task An_assertion_changed_after_signing_is_refused() =>
        await RefusedAsync(Tamper.ChangeNameId(await Idp.SignAsync(Spec().ToXml()), "alice@", "admin@"), "does not verify");

    [Fact]
    public async Task An_assertion_signed_with_RSA_SHA1_is_refused() =>
        await RefusedAsync(await Idp.SignAsync(Spec().ToXml(), sha1: true), "RSA-SHA256 or stronger");

    [Fact]
    public async Task A_signed_assertion_wrapped_in_a_second_Assertion_is_refused() =>
        await RefusedAsync(Tamper.WrapInSecondAssertion(await Idp.SignAsync(Spec().ToXml()), "admin@example.test"), "more than one Assertion");

    [Fact]
    public async Task A_signature_moved_out_of_its_place_is_refused() =>
        await RefusedAsync(Tamper.MoveSignatureIntoSubject(await Idp.SignAsync(Spec().ToXml())), "not the Assertion's own");

    [Fact]
    public async Task A_comment_inserted_in_the_NameID_is_refused()
    {
        var signed = await Idp.SignAsync((Spec() with { NameId = "admin@example.test.evil.test" }).ToXml());
        await RefusedAsync(Tamper.CommentInNameId(signed, "admin@example.test", ".evil.test"), "comment");
    }

    [Fact]
    public async Task An_assertion_for_another_audience_is_refused() =>
        await RefusedAsync(await Idp.SignAsync((Spec() with { AudienceValue = "https://other.example.test" }).ToXml()), "Audience");

    [Fact]
    public async Task An_assertion_for_another_recipient_is_refused() =>
        await RefusedAsync(await Idp.SignAsync((Spec() with { Recipient = "https://other.example.test/token" }).ToXml()), "Recipient");

    [Fact]
    public async Task An_expired_assertion_is_refused() =>
        await RefusedAsync(await Idp.SignAsync((Spec() with { NotBeforeOffset = TimeSpan.FromMinutes(-10), ValidFor = TimeSpan.FromMinutes(-2) }).ToXml()), "expired");

    [Fact]
    public async Task An_assertion_not_yet_valid_is_refused() =>
        await RefusedAsync(await Idp.SignAsync((Spec() with { NotBeforeOffset = TimeSpan.FromMinutes(5), ValidFor = TimeSpan.FromMinutes(10) }).ToXml()), "not yet valid");

    [Fact]
    public async Task An_assertion_valid_for_more_than_an_hour_is_refused() =>
        await RefusedAsync(await Idp.SignAsync((Spec() with { ValidFor = TimeSpan.FromMinutes(90) }).ToXml()), "more than one hour");

    [Fact]
    public async Task A_replayed_assertion_is_refused()
    {
        var signed = await Idp.SignAsync(Spec().ToXml());
        Assert.Equal(200, (await Service.ExchangeAsync(signed)).Status);
        await RefusedAsync(signed, "used already");
    }

    [Fact]
    public async Task An_assertion_with_a_DTD_is_refused() =>
        await RefusedAsync(Tamper.WithDtd(await Idp.SignAsync(Spec().ToXml())), "without a DTD");

    [Fact]
    public async Task An_assertion_over_64_KB_is_refused() =>
        await RefusedAsync(await Idp.SignAsync((Spec() with { Permissions = [new string('p', 70 * 1024)] }).ToXml()), "larger than 64 KB");

    [Fact]
    public async Task An_assertion_from_an_unknown_Issuer_is_refused() =>
        await RefusedAsync(await Idp.SignAsync((Spec() with { Issuer = "https://unknown-idp.example.test" }).ToXml()), "not a trusted identity provider");

    public void Dispose()
    {
        _factory?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The rules against assertions .NET's SignedXml signs (fast, no process).</summary>
public sealed class AssertionExchangeWithDotNetSignerTests(AssertionExchangeWithDotNetSignerTests.Signers signers) : AssertionExchangeSuite,
    IClassFixture<AssertionExchangeWithDotNetSignerTests.Signers>
{
    protected override IAssertionSigner Idp => signers.Idp;
    protected override IAssertionSigner OtherKey => signers.Other;

    public sealed class Signers : IDisposable
    {
        public IAssertionSigner Idp { get; } = new DotNetIdp();
        public IAssertionSigner Other { get; } = new DotNetIdp("CN=other.example.test");
        public void Dispose() { Idp.Dispose(); Other.Dispose(); }
    }
}

/// <summary>The rules against assertions a real IdP library signs: samlify, started per assertion (node).</summary>
[Trait("Category", "Integration")] // starts node processes
public sealed class AssertionExchangeWithSamlifyTests(AssertionExchangeWithSamlifyTests.Signers signers) : AssertionExchangeSuite,
    IClassFixture<AssertionExchangeWithSamlifyTests.Signers>
{
    protected override IAssertionSigner Idp => signers.Idp;
    protected override IAssertionSigner OtherKey => signers.Other;

    public sealed class Signers : IDisposable
    {
        public IAssertionSigner Idp { get; } = new SamlifyIdp();
        public IAssertionSigner Other { get; } = new SamlifyIdp();
        public void Dispose() { Idp.Dispose(); Other.Dispose(); }
    }
}
