using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.Tokens;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;
using SecureApi.Authorizers;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace Authorizers.Benchmarks;

/// <summary>
/// Goals: TOKEN decision for an RS256 token ≤ 1.5× the bare RSA signature verification of that token;
/// REQUEST decision ≤ 2 µs, also for a key managed in the authorization store behind a warm in-process cache
/// (CachingAuthorizationStore over the in-memory store: credential by hash, principal, route table — all cache hits).
/// No decision is cached: every TOKEN call parses and validates the token in full.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class AuthorizerBenchmarks
{
    private const string Arn = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod/GET/protected";
    private readonly TokenFactory _tokens = new();
    private TokenAuthorizer _tokenAuthorizer = null!;
    private RequestAuthorizer _requestAuthorizer = null!;
    private RequestAuthorizer _storeRequestAuthorizer = null!;
    private APIGatewayCustomAuthorizerRequest _storeKeyRequest = null!;
    private APIGatewayCustomAuthorizerRequest _tokenRequest = null!;
    private APIGatewayCustomAuthorizerRequest _apiKeyRequest = null!;
    private APIGatewayCustomAuthorizerRequest _ipRequest = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        var token = _tokens.Create(_tokens.Claims(scope: "read write"));
        _tokenAuthorizer = new TokenAuthorizer(new TokenAuthorizerOptions { Issuer = _tokens.Issuer, Audiences = [_tokens.Audience], Jwks = _tokens.Jwks() });
        _tokenRequest = new() { Type = "TOKEN", AuthorizationToken = "Bearer " + token, MethodArn = Arn };
        var lastDot = token.LastIndexOf('.');
        _signingInput = Encoding.ASCII.GetBytes(token[..lastDot]);
        _signature = Base64UrlEncoder.DecodeBytes(token[(lastDot + 1)..]);

        const string key = "bench-api-key-0123456789";
        _requestAuthorizer = new RequestAuthorizer(new RequestAuthorizerOptions
        {
            ApiKeys = [new() { Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), PrincipalId = "api-key-user", Role = "admin", Permissions = "read,write" }],
            AllowedCidrs = ["10.0.0.0/8", "2001:db8::/32"],
            IpPermissions = "read",
        });
        _apiKeyRequest = Request(new Dictionary<string, string> { ["api_key"] = key }, "198.51.100.1");
        _ipRequest = Request(null, "10.1.2.3");

        // A key only the store knows (the seed has another one), behind the cache the functions use (10 s TTL).
        const string storeKey = "bench-store-key-0123456789";
        var memory = new InMemoryAuthorizationStore(TimeProvider.System);
        memory.PutPrincipalAsync(new PrincipalChange("store-user", ["admin"], ["read", "write"]), "bench").GetAwaiter().GetResult();
        memory.CreateCredentialAsync(new NewCredential("key-1", AuthTypes.ApiKey, "store-user",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(storeKey)))), "bench").GetAwaiter().GetResult();
        var cached = new CachingAuthorizationStore(memory, TimeSpan.FromSeconds(AuthorizationStoreOptions.MaxCacheSeconds), TimeProvider.System);
        _storeRequestAuthorizer = new RequestAuthorizer(new RequestAuthorizerOptions
        {
            ApiKeys = [new() { Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), PrincipalId = "api-key-user", Role = "admin" }],
        }, store: cached);
        _storeKeyRequest = Request(new Dictionary<string, string> { ["api_key"] = storeKey }, "198.51.100.1");

        if (RequestDecisionStoreKey().Outcome != AuthorizerOutcome.Allow ||TokenDecision().Outcome != AuthorizerOutcome.Allow || RequestDecisionApiKey().Outcome != AuthorizerOutcome.Allow
            || RequestDecisionIp().Outcome != AuthorizerOutcome.Allow || !BareRsaVerify())
            throw new InvalidOperationException("Benchmark inputs must be allowed.");
    }

    private static APIGatewayCustomAuthorizerRequest Request(Dictionary<string, string>? query, string ip) => new()
    {
        Type = "REQUEST", MethodArn = Arn, QueryStringParameters = query,
        Headers = new Dictionary<string, string> { ["Host"] = "abc123defg.execute-api.us-east-1.amazonaws.com", ["User-Agent"] = "curl/8" },
        RequestContext = new() { Identity = new() { SourceIp = ip } },
    };

    [Benchmark(Baseline = true, Description = "RSA verify (bare, same token)")]
    public bool BareRsaVerify() => _tokens.Rsa.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark(Description = "TOKEN decision (RS256)")]
    public AuthorizerDecision TokenDecision() => _tokenAuthorizer.AuthorizeAsync(_tokenRequest).GetAwaiter().GetResult();

    [Benchmark(Description = "REQUEST decision (api key)")]
    public AuthorizerDecision RequestDecisionApiKey() => _requestAuthorizer.AuthorizeAsync(_apiKeyRequest).GetAwaiter().GetResult();

    [Benchmark(Description = "REQUEST decision (IP allowlist)")]
    public AuthorizerDecision RequestDecisionIp() => _requestAuthorizer.AuthorizeAsync(_ipRequest).GetAwaiter().GetResult();

    [Benchmark(Description = "REQUEST decision (store key, warm cache)")]
    public AuthorizerDecision RequestDecisionStoreKey() => _storeRequestAuthorizer.AuthorizeAsync(_storeKeyRequest).GetAwaiter().GetResult();
}
