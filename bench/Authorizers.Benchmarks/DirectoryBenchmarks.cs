using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Authorizers;
using SecureApi.Authorizers.Directory;
using SecureApi.Lambda.APIGatewayEvents;

namespace Authorizers.Benchmarks;

/// <summary>
/// Goal: the REQUEST decision for `Authorization: Basic` whose directory result is cached (Directory__CacheSeconds)
/// ≤ 3 µs: keyed hash of the header, cache hit, policy. The directory is never asked here (the first decision, with
/// its ldaps bind and search, is bench/directory-first-decision.sh); the API-key decision is the row beside it.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class DirectoryBenchmarks
{
    private const string Arn = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/Prod/GET/protected";
    private const string ApiKey = "bench-api-key-0123456789";
    private RequestAuthorizer _authorizer = null!;
    private APIGatewayCustomAuthorizerRequest _basicRequest = null!;
    private APIGatewayCustomAuthorizerRequest _apiKeyRequest = null!;

    /// <summary>Answers as a directory would for alice (groups admins, readers); after the first call the cache answers.</summary>
    private sealed class OneUserDirectory : IDirectoryClient
    {
        public DirectoryAnswer Check(string userName, string password) =>
            new(DirectoryVerdict.Authenticated, "alice", ["cn=admins,ou=groups,dc=example,dc=org", "cn=readers,ou=groups,dc=example,dc=org"]);
    }

    [GlobalSetup]
    public void Setup()
    {
        var options = new DirectoryOptions
        {
            Url = "ldaps://directory.example.org",
            BindDnTemplate = "uid={0},ou=people,dc=example,dc=org",
            GroupRoleMap = new(StringComparer.OrdinalIgnoreCase) { ["admins"] = "admin" },
            GroupPermissionMap = new(StringComparer.OrdinalIgnoreCase) { ["readers"] = "read" },
            CacheSeconds = DirectoryOptions.MaxCacheSeconds,
        };
        var directory = new DirectoryAuthenticator(options, new InMemoryRateLimitCounterStore(TimeProvider.System), TimeProvider.System, new OneUserDirectory());
        _authorizer = new RequestAuthorizer(new RequestAuthorizerOptions
        {
            ApiKeys = [new() { Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey))), PrincipalId = "api-key-user", Role = "admin", Permissions = "read,write" }],
        }, null, null, directory);
        _basicRequest = Request(new() { ["Authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:correct horse battery staple")) }, null);
        _apiKeyRequest = Request([], new() { ["api_key"] = ApiKey });
        if (DirectoryDecisionCached().Outcome != AuthorizerOutcome.Allow || ApiKeyDecision().Outcome != AuthorizerOutcome.Allow)
            throw new InvalidOperationException("Benchmark inputs must be allowed.");
    }

    private static APIGatewayCustomAuthorizerRequest Request(Dictionary<string, string> headers, Dictionary<string, string>? query)
    {
        headers["Host"] = "abc123defg.execute-api.us-east-1.amazonaws.com";
        headers["User-Agent"] = "curl/8";
        return new()
        {
            Type = "REQUEST", MethodArn = Arn, Headers = headers, QueryStringParameters = query,
            RequestContext = new() { Identity = new() { SourceIp = "198.51.100.1" } },
        };
    }

    [Benchmark(Description = "REQUEST decision (directory, cached result)")]
    public AuthorizerDecision DirectoryDecisionCached() => _authorizer.AuthorizeAsync(_basicRequest).GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "REQUEST decision (api key, same authorizer)")]
    public AuthorizerDecision ApiKeyDecision() => _authorizer.AuthorizeAsync(_apiKeyRequest).GetAwaiter().GetResult();
}
