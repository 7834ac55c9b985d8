using BenchmarkDotNet.Attributes;
using SecureApi.AuthorizerContract;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.LocalGateway;
using SecureApi.LocalGateway.Template;

namespace Api.Benchmarks;

/// <summary>
/// The local API Gateway stage bench/throughput.sh runs in front of the API (serverless.template's stage): the
/// request → route selection → (protected) identity source, TOKEN result cache hit, IAM policy evaluation against
/// the methodArn → the proxy event. The cached policy is what the TOKEN authorizer returns: one statement per route
/// of the default route table, Allow where the caller's permission satisfies the rule, Deny elsewhere.
/// </summary>
[MemoryDiagnoser]
public class StageBenchmarks
{
    private GatewayStage _stage = null!;
    private GatewayRequest _public = null!, _protected = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var template = Path.Combine(RepositoryRoot(), "serverless.template");
        var options = new GatewayStageOptions();
        _stage = new GatewayStage(ServerlessTemplateReader.Load(template), new TokenPolicy(options), options, TimeProvider.System);
        var headers = new Dictionary<string, string> { ["Host"] = "127.0.0.1:5000", ["User-Agent"] = "wrk", ["Accept"] = "*/*" };
        _public = GatewayRequest.Create("GET", "/public", headers, requestId: "r1");
        _protected = GatewayRequest.Create("GET", "/protected", [.. headers, new("Authorization", "Bearer " + new string('h', 36) + "." + new string('p', 220) + "." + new string('s', 43))], requestId: "r2");
        foreach (var request in new[] { _public, _protected })
            if (await _stage.AuthorizeAsync(request) is { IsAllowed: false } refused)
                throw new InvalidOperationException($"{request.Path} is not allowed: {refused.Reason}.");
    }

    [Benchmark(Baseline = true, Description = "stage: GET /public")]
    public Task<APIGatewayProxyRequest> Public() => PassAsync(_public);

    [Benchmark(Description = "stage: GET /protected (TOKEN cache hit)")]
    public Task<APIGatewayProxyRequest> Protected() => PassAsync(_protected);

    private async Task<APIGatewayProxyRequest> PassAsync(GatewayRequest request)
    {
        var outcome = await _stage.AuthorizeAsync(request);
        return _stage.CreateProxyRequest(request, outcome);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SecureApi.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run from inside the repository (serverless.template not found).");
    }

    /// <summary>The TOKEN authorizer's answer for a reader: one statement per route, under this stage's ARN prefix.</summary>
    private sealed class TokenPolicy(GatewayStageOptions options) : IAuthorizerInvoker
    {
        public Task<AuthorizerInvocation> InvokeAsync(AuthorizerDefinition authorizer, APIGatewayCustomAuthorizerRequest request, CancellationToken ct)
        {
            var prefix = options.MethodArn("prod", "GET", "/")[..^"GET/".Length];
            var statements = RouteRules.Default.Rules.Select(rule => new APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement
            {
                Effect = rule.IsSatisfiedBy(["user"], ["read"]) ? "Allow" : "Deny",
                Action = ["execute-api:Invoke"],
                Resource = [prefix + rule.Verb + rule.ResourcePattern],
            }).ToList();
            return Task.FromResult<AuthorizerInvocation>(new AuthorizerInvocation.Policy(new APIGatewayCustomAuthorizerResponse
            {
                PrincipalID = "bench-user",
                PolicyDocument = new APIGatewayCustomAuthorizerPolicy { Statement = statements },
                Context = new APIGatewayCustomAuthorizerContextOutput { ["role"] = "user", ["permissions"] = "read", ["authType"] = "jwt" },
            }));
        }
    }
}
