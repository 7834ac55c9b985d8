using BenchmarkDotNet.Attributes;
using SecureApi.Authorizers;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace Authorizers.Benchmarks;

/// <summary>
/// Goals (issue 23): the TOKEN decision with 6 registered issuers ≤ 1.1× the same decision with one (the token's
/// issuer is the last of the six, so selection scans them all); the refusal of an unknown iss ≤ 2 µs and allocating
/// nothing beyond reading the header (no key lookup, no JsonWebToken, no network).
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class IssuerRegistryBenchmarks
{
    private const string Arn = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod/GET/protected";
    private readonly List<TokenFactory> _factories = [];
    private TokenAuthorizer _one = null!, _six = null!;
    private APIGatewayCustomAuthorizerRequest _token = null!, _unknown = null!;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < 6; i++) _factories.Add(new TokenFactory($"https://idp-{i}.example.test/", "secure-api"));
        var last = _factories[^1];
        _one = new TokenAuthorizer(new TokenAuthorizerOptions
        {
            Issuers = [new() { Name = "idp-5", Issuer = last.Issuer, Audiences = [last.Audience], Jwks = last.Jwks() }],
        });
        _six = new TokenAuthorizer(new TokenAuthorizerOptions
        {
            Issuers = [.. _factories.Select((f, i) => new TokenIssuerOptions { Name = $"idp-{i}", Issuer = f.Issuer, Audiences = [f.Audience], Jwks = f.Jwks() })],
        });
        _token = new() { Type = "TOKEN", AuthorizationToken = "Bearer " + last.Create(last.Claims(scope: "read write")), MethodArn = Arn };
        var stranger = last.Claims(scope: "read write");
        stranger["iss"] = "https://unknown.example.test/";
        _unknown = new() { Type = "TOKEN", AuthorizationToken = "Bearer " + last.Create(stranger), MethodArn = Arn };

        if (OneIssuer().Outcome != AuthorizerOutcome.Allow || SixIssuers().Outcome != AuthorizerOutcome.Allow
            || UnknownIssuer().ReasonCode != ReasonCodes.UnknownIssuer)
            throw new InvalidOperationException("Benchmark inputs must be allowed (and the stranger refused as unknown).");
    }

    [Benchmark(Baseline = true, Description = "TOKEN decision, 1 issuer")]
    public AuthorizerDecision OneIssuer() => _one.AuthorizeAsync(_token).GetAwaiter().GetResult();

    [Benchmark(Description = "TOKEN decision, 6 issuers (token of the 6th)")]
    public AuthorizerDecision SixIssuers() => _six.AuthorizeAsync(_token).GetAwaiter().GetResult();

    [Benchmark(Description = "unknown iss refused, 6 issuers")]
    public AuthorizerDecision UnknownIssuer() => _six.AuthorizeAsync(_unknown).GetAwaiter().GetResult();
}
