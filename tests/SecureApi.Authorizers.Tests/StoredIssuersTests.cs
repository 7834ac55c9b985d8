using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

/// <summary>
/// The TOKEN authorizer merges the configured issuers with the run-time registry (docs/identity-providers.md#run-time-registry):
/// a stored issuer is trusted, a removed one refused, within the cache window of the manual clock; a store failure fails closed.
/// </summary>
public sealed class StoredIssuersTests : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly TokenFactory _configured = new("https://configured.example.test/", "api-c");
    private readonly TokenFactory _stored = new("https://stored.example.test/", "api-s");
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly InMemoryIssuerStore _store;

    public StoredIssuersTests() => _store = new InMemoryIssuerStore(_clock);

    public void Dispose()
    {
        _configured.Dispose();
        _stored.Dispose();
    }

    private TokenAuthorizer Authorizer(IIssuerStore store) => new(new TokenAuthorizerOptions
    {
        Issuers = [new() { Name = "corp", Issuer = _configured.Issuer, Audiences = [_configured.Audience], Jwks = _configured.Jwks() }],
    }, timeProvider: _clock, issuerStore: store, issuerCache: CacheFor);

    private IssuerEntry StoredEntry() => new() { Name = "partner", Issuer = _stored.Issuer, Audiences = [_stored.Audience], Jwks = _stored.Jwks() };

    private static Task<AuthorizerDecision> Authorize(TokenAuthorizer authorizer, string token) => authorizer.AuthorizeAsync(Events.Token("Bearer " + token));

    [Fact]
    public async Task A_stored_issuer_is_trusted_and_its_tokens_name_it_as_issuer()
    {
        await _store.PutIssuerAsync(StoredEntry(), "admin");
        var authorizer = Authorizer(_store);

        var decision = await Authorize(authorizer, _stored.Create());

        Assert.Equal(AuthorizerOutcome.Allow, decision.Outcome);
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _configured.Create())).Outcome);
    }

    [Fact]
    public async Task A_new_issuer_takes_effect_and_a_removed_one_is_refused_once_the_cache_window_has_passed()
    {
        var authorizer = Authorizer(_store);
        Assert.Equal(ReasonCodes.UnknownIssuer, (await Authorize(authorizer, _stored.Create())).ReasonCode);

        await _store.PutIssuerAsync(StoredEntry(), "admin");
        Assert.Equal(ReasonCodes.UnknownIssuer, (await Authorize(authorizer, _stored.Create())).ReasonCode); // still the cached read
        _clock.Advance(CacheFor);
        Assert.Equal(AuthorizerOutcome.Allow, (await Authorize(authorizer, _stored.Create())).Outcome);

        await _store.DeleteIssuerAsync("partner", "admin");
        _clock.Advance(CacheFor);
        Assert.Equal(ReasonCodes.UnknownIssuer, (await Authorize(authorizer, _stored.Create())).ReasonCode);
    }

    [Fact]
    public async Task When_the_stored_issuers_cannot_be_read_their_tokens_fail_closed_and_configured_issuers_keep_working()
    {
        var authorizer = Authorizer(new DownIssuerStore());

        var stored = await Authorize(authorizer, _stored.Create());
        var configured = await Authorize(authorizer, _configured.Create());

        Assert.Equal(AuthorizerOutcome.Unauthorized, stored.Outcome);
        Assert.Equal(ReasonCodes.StoreUnavailable, stored.ReasonCode);
        Assert.Equal(AuthorizerOutcome.Allow, configured.Outcome);
    }

    [Fact]
    public async Task A_stored_entry_repeating_a_configured_iss_or_name_is_left_out()
    {
        await _store.PutIssuerAsync(StoredEntry() with { Name = "corp" }, "admin");
        await _store.PutIssuerAsync(StoredEntry() with { Name = "hijack", Issuer = _configured.Issuer }, "admin");
        var authorizer = Authorizer(_store);

        // The configured issuer's keys still decide its iss: a token signed with the stored entry's keys is refused.
        var claims = _stored.Claims();
        claims["iss"] = _configured.Issuer;
        claims["aud"] = _configured.Audience;
        Assert.Equal(AuthorizerOutcome.Unauthorized, (await Authorize(authorizer, _stored.Create(claims))).Outcome);
        Assert.Equal(ReasonCodes.UnknownIssuer, (await Authorize(authorizer, _stored.Create())).ReasonCode);
    }

    private sealed class DownIssuerStore : IIssuerStore
    {
        private static Task<T> Down<T>() => Task.FromException<T>(new AuthorizationStoreUnavailableException("Query: timeout"));
        public Task<IssuerRecord?> GetIssuerAsync(string name, CancellationToken cancellationToken = default) => Down<IssuerRecord?>();
        public Task<IReadOnlyList<IssuerRecord>> ListIssuersAsync(CancellationToken cancellationToken = default) => Down<IReadOnlyList<IssuerRecord>>();
        public Task<PutIssuerResult> PutIssuerAsync(IssuerEntry issuer, AuditActor actor, CancellationToken cancellationToken = default) => Down<PutIssuerResult>();
        public Task<bool> DeleteIssuerAsync(string name, AuditActor actor, CancellationToken cancellationToken = default) => Down<bool>();
    }
}
