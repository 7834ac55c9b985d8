using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Saml;
using SecureApi.Testing;
using SecureApi.Testing.Saml;

namespace SecureApi.TokenService.Tests;

/// <summary>
/// The token service trusts IdPs registered at run time (docs/saml.md#run-time-registry): the configured "corp" IdP
/// is another key; "partner" exists only in the registry's store. The registry is re-read at most once per
/// AuthorizationStore__CacheSeconds on the manual clock.
/// </summary>
public abstract class RunTimeRegistrySuite : IDisposable
{
    private const string PartnerEntityId = "https://partner-idp.example.test/metadata";
    private static readonly TimeSpan CacheBound = TimeSpan.FromSeconds(AuthorizationStoreOptions.DefaultCacheSeconds);

    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private readonly DotNetIdp _corp = new("CN=corp.example.test");
    private TokenServiceFactory? _service;

    protected abstract IAssertionSigner Partner { get; }

    private TokenServiceFactory Service => _service ??= new TokenServiceFactory(_corp.CertificatePem, _clock);

    private async Task<TokenAnswer> ExchangePartnerAssertionAsync() =>
        await Service.ExchangeAsync(await Partner.SignAsync(new AssertionSpec { Now = _clock.GetUtcNow(), Issuer = PartnerEntityId }.ToXml()));

    [Fact]
    public async Task A_registered_idps_assertion_is_exchanged_within_the_cache_bound_and_refused_once_deleted_after_it()
    {
        var store = Service.Services.GetRequiredService<ISamlIdpStore>();
        var before = await ExchangePartnerAssertionAsync();                   // the registry is read (empty) and cached

        await store.PutIdpAsync(new SamlIdpEntry
        {
            Name = "partner", EntityId = PartnerEntityId, SigningCertificates = [Partner.CertificatePem],
            RoleAttribute = AssertionSpec.GroupAttribute, PermissionAttribute = AssertionSpec.PermissionAttribute,
            RoleMap = new Dictionary<string, string> { ["Domain Admins"] = "admin" },
        }, "admin");
        _clock.Advance(CacheBound);
        var registered = await ExchangePartnerAssertionAsync();
        await store.DeleteIdpAsync("partner", "admin");
        _clock.Advance(CacheBound);
        var deleted = await ExchangePartnerAssertionAsync();

        Assert.Equal((400, "invalid_grant"), (before.Status, before.Error));
        Assert.Equal(200, registered.Status);
        var token = new JsonWebToken(registered.AccessToken);
        Assert.Equal("partner:alice@example.test", token.Subject);
        Assert.Equal(["admin"], token.GetPayloadValue<string[]>("roles"));
        Assert.Equal((400, "invalid_grant"), (deleted.Status, deleted.Error));
        Assert.Contains("not a trusted identity provider", deleted.Description);
    }

    public void Dispose()
    {
        _service?.Dispose();
        _corp.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The run-time registry with assertions .NET's SignedXml signs (fast, no process).</summary>
public sealed class RunTimeRegistryWithDotNetSignerTests : RunTimeRegistrySuite
{
    private readonly DotNetIdp _partner = new("CN=partner-idp.example.test");
    protected override IAssertionSigner Partner => _partner;
}

/// <summary>The run-time registry with assertions samlify signs: an IdP no one here wrote, registered only through the store.</summary>
[Trait("Category", "Integration")] // starts node processes
public sealed class RunTimeRegistryWithSamlifyTests : RunTimeRegistrySuite
{
    private readonly SamlifyIdp _partner = new();
    protected override IAssertionSigner Partner => _partner;
}

/// <summary>Configuration wins over the registry, and a registry that cannot be read fails closed.</summary>
public sealed class RunTimeRegistryRulesTests : IDisposable
{
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private readonly DotNetIdp _corp = new("CN=corp.example.test");
    private readonly DotNetIdp _impostor = new("CN=impostor.example.test");

    private AssertionSpec Spec(string issuer = AssertionSpec.IdpEntityId) => new() { Now = _clock.GetUtcNow(), Issuer = issuer };

    [Fact]
    public async Task A_stored_entry_cannot_replace_a_configured_idps_certificates_or_take_its_name()
    {
        using var service = new TokenServiceFactory(_corp.CertificatePem, _clock);
        var store = service.Services.GetRequiredService<ISamlIdpStore>();
        await store.PutIdpAsync(new SamlIdpEntry { Name = "shadow", EntityId = AssertionSpec.IdpEntityId, SigningCertificates = [_impostor.CertificatePem] }, "admin");
        await store.PutIdpAsync(new SamlIdpEntry { Name = "corp", EntityId = "https://other.example.test", SigningCertificates = [_impostor.CertificatePem] }, "admin");

        var sameEntityId = await service.ExchangeAsync(await _impostor.SignAsync(Spec().ToXml()));
        var sameName = await service.ExchangeAsync(await _impostor.SignAsync(Spec("https://other.example.test").ToXml()));
        var configured = await service.ExchangeAsync(await _corp.SignAsync(Spec().ToXml()));

        Assert.Contains("does not verify", sameEntityId.Description);       // the configured certificate, not the stored one
        Assert.Contains("not a trusted identity provider", sameName.Description);
        Assert.Equal(200, configured.Status);
    }

    [Fact]
    public async Task When_the_registry_cannot_be_read_an_unconfigured_issuer_is_503_temporarily_unavailable_and_a_configured_one_is_still_exchanged()
    {
        using var service = new TokenServiceFactory(_corp.CertificatePem, _clock, services: s => s.AddSingleton<ISamlIdpStore>(new UnreadableRegistry()));

        var unconfigured = await service.ExchangeAsync(await _impostor.SignAsync(Spec("https://partner-idp.example.test/metadata").ToXml()));
        var configured = await service.ExchangeAsync(await _corp.SignAsync(Spec().ToXml()));

        Assert.Equal((503, "temporarily_unavailable"), (unconfigured.Status, unconfigured.Error));
        Assert.False(unconfigured.Json.TryGetProperty("access_token", out _));
        Assert.True(unconfigured.CacheControl?.NoStore);
        Assert.Equal(200, configured.Status);
    }

    private sealed class UnreadableRegistry : ISamlIdpStore
    {
        private static Task<T> Down<T>() => Task.FromException<T>(new AuthorizationStoreUnavailableException("ListSamlIdps: timeout"));
        public Task<SamlIdpRecord?> GetIdpAsync(string name, CancellationToken cancellationToken = default) => Down<SamlIdpRecord?>();
        public Task<IReadOnlyList<SamlIdpRecord>> ListIdpsAsync(CancellationToken cancellationToken = default) => Down<IReadOnlyList<SamlIdpRecord>>();
        public Task<PutSamlIdpResult> PutIdpAsync(SamlIdpEntry idp, AuditActor actor, CancellationToken cancellationToken = default) => Down<PutSamlIdpResult>();
        public Task<bool> DeleteIdpAsync(string name, AuditActor actor, CancellationToken cancellationToken = default) => Down<bool>();
    }

    public void Dispose()
    {
        _corp.Dispose();
        _impostor.Dispose();
    }
}
