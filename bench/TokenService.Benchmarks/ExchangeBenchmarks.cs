using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Saml;
using SecureApi.Testing.Saml;
using SecureApi.TokenService;
using SecureApi.TokenService.Saml;
using SecureApi.TokenService.Tokens;

namespace TokenService.Benchmarks;

/// <summary>
/// One exchange on a warm service: base64url decode, XML parse, the signature check (SignedXml, RSA-2048), the
/// conditions, then an RS256 token signed with a local key. The replay mark is left out (a stub that accepts): in
/// memory it is a dictionary write, deployed it is one DynamoDB call, measured with the store's other calls.
/// </summary>
[MemoryDiagnoser]
public class ExchangeBenchmarks
{
    private const string GrantType = TokenExchange.Saml2BearerGrantType;
    private DotNetIdp _idp = null!;
    private TokenExchange _exchange = null!;
    private string _assertion = null!;

    [GlobalSetup]
    public async Task SetUp()
    {
        _idp = new DotNetIdp();
        var settings = AssertionSpec.TokenServiceSettings(_idp.CertificatePem);
        var options = SamlOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(SamlOptions.SectionName));
        options.ThrowIfInvalid();
        var time = TimeProvider.System;
        _exchange = new TokenExchange(new AssertionValidator(options, TrustedFromConfiguration(options, time), time), new AcceptEveryAssertion(),
            new TokenMinter(options, new LocalTokenSigner(), time));
        var xml = await _idp.SignAsync(new AssertionSpec { Now = DateTimeOffset.UtcNow, ValidFor = TimeSpan.FromMinutes(50) }.ToXml());
        _assertion = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(xml));
        await Exchange();
    }

    // The IdP is configured, so the run-time registry is never read: the exchange's own cost.
    private static TrustedIdentityProviders TrustedFromConfiguration(SamlOptions options, TimeProvider time) =>
        new(options, new InMemorySamlIdpStore(time), new AuthorizationStoreOptions(), time, NullLogger<TrustedIdentityProviders>.Instance);

    [Benchmark]
    public Task<TokenExchange.Result> Exchange() => _exchange.ExchangeAsync(GrantType, _assertion, null, default);

    [GlobalCleanup]
    public void CleanUp() => _idp.Dispose();

    private sealed class AcceptEveryAssertion : IAssertionReplayCache
    {
        public Task<bool> TryUseAsync(string issuer, string assertionId, DateTimeOffset keepUntil, CancellationToken cancellationToken = default) =>
            Task.FromResult(true);
    }
}
