using System.Text.Json;
using SecureApi.LocalGateway;
using SecureApi.LocalGateway.Template;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>The host-independent gateway core with a scripted authorizer.</summary>
public sealed class GatewayStageTests
{
    private const string ProtectedArn = "arn:aws:execute-api:local:000000000000:local/prod/GET/protected";

    private sealed class ScriptedInvoker(Func<APIGatewayCustomAuthorizerRequest, CancellationToken, Task<AuthorizerInvocation>> answer) : IAuthorizerInvoker
    {
        public int Calls;
        public APIGatewayCustomAuthorizerRequest? LastRequest;

        public Task<AuthorizerInvocation> InvokeAsync(AuthorizerDefinition authorizer, APIGatewayCustomAuthorizerRequest request, CancellationToken ct)
        {
            Calls++;
            LastRequest = request;
            return answer(request, ct);
        }
    }

    private static readonly GatewayDefinition RepositoryTemplate = ServerlessTemplateReader.Load(RepositoryRoot.TemplatePath);

    private static GatewayStage Stage(ScriptedInvoker invoker, GatewayDefinition? definition = null) =>
        new(definition ?? RepositoryTemplate, invoker,
            new GatewayStageOptions { Stage = "prod", AuthorizerTimeout = TimeSpan.FromMilliseconds(200) }, new ManualClock());

    private static ScriptedInvoker Returning(APIGatewayCustomAuthorizerResponse response) =>
        new((_, _) => Task.FromResult<AuthorizerInvocation>(new AuthorizerInvocation.Policy(response)));

    private static APIGatewayCustomAuthorizerResponse Policy(params (string Effect, string Resource)[] statements) => new()
    {
        PrincipalID = "someone",
        PolicyDocument = new APIGatewayCustomAuthorizerPolicy
        {
            Statement = [.. statements.Select(s => new APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement
            {
                Effect = s.Effect, Action = ["execute-api:Invoke"], Resource = [s.Resource],
            })],
        },
    };

    private static GatewayRequest Get(string path, params (string Name, string Value)[] headers) =>
        GatewayRequest.Create("GET", path, headers.Select(h => KeyValuePair.Create(h.Name, h.Value)));

    private static GatewayRequest Post(string path, params (string Name, string Value)[] headers) =>
        GatewayRequest.Create("POST", path, headers.Select(h => KeyValuePair.Create(h.Name, h.Value)));

    [Theory]
    [InlineData("arn:aws:execute-api:local:000000000000:local/prod/GET/protected", true)]
    [InlineData("arn:aws:execute-api:local:000000000000:local/prod/*/*", true)]
    [InlineData("arn:aws:execute-api:local:000000000000:local/*", true)]
    [InlineData("arn:aws:execute-api:local:000000000000:local/prod/GET/protecte?", true)]
    [InlineData("arn:aws:execute-api:local:000000000000:local/prod/GET/protected/admin", false)]
    [InlineData("arn:aws:execute-api:local:000000000000:local/dev/*/*", false)]
    [InlineData("arn:aws:execute-api:local:000000000000:other/prod/*/*", false)]
    [InlineData("arn:aws:execute-api:local:000000000000:local/prod/get/protected", false)]
    [InlineData("arn:aws:execute-api:local:000000000000:local/prod/GET/protected?", false)]
    public void Policy_resource_matches_the_method_arn_with_iam_wildcards(string resource, bool allowed)
    {
        var decision = IamPolicyEvaluator.Evaluate(Policy(("Allow", resource)).PolicyDocument, ProtectedArn);

        Assert.Equal(allowed ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny, decision);
    }

    [Fact]
    public void Explicit_deny_wins_over_allow()
    {
        var policy = Policy(("Allow", "arn:aws:execute-api:local:000000000000:local/prod/*/*"), ("Deny", ProtectedArn));

        Assert.Equal(PolicyDecision.ExplicitDeny, IamPolicyEvaluator.Evaluate(policy.PolicyDocument, ProtectedArn));
    }

    [Fact]
    public async Task Policy_that_does_not_cover_the_route_is_an_implicit_deny()
    {
        var stage = Stage(Returning(Policy(("Allow", "arn:aws:execute-api:local:000000000000:local/prod/GET/public"))));

        var outcome = await stage.AuthorizeAsync(Get("/protected", ("Authorization", "Bearer aaa.bbb.ccc")));

        Assert.Equal(403, outcome.Rejection?.StatusCode);
        Assert.Equal("""{"message":"User is not authorized to access this resource"}""", outcome.Rejection?.Body);
    }

    [Fact]
    public async Task Authorizer_exception_fails_closed_as_401_without_internals()
    {
        var stage = Stage(new ScriptedInvoker((_, _) => throw new InvalidOperationException("secret internals")));

        var outcome = await stage.AuthorizeAsync(Get("/protected", ("Authorization", "Bearer aaa.bbb.ccc")));

        Assert.Equal(401, outcome.Rejection?.StatusCode);
        Assert.Equal("""{"message":"Unauthorized"}""", outcome.Rejection?.Body);
    }

    [Fact]
    public async Task Authorizer_that_exceeds_the_timeout_fails_closed_as_401()
    {
        var stage = Stage(new ScriptedInvoker(async (_, ct) => { await Task.Delay(TimeSpan.FromSeconds(30), ct); return AuthorizerInvocation.Unauthorized.Instance; }));

        var outcome = await stage.AuthorizeAsync(Get("/protected", ("Authorization", "Bearer aaa.bbb.ccc")));

        Assert.Equal(401, outcome.Rejection?.StatusCode);
    }

    public static TheoryData<string> MalformedResponses => new() { "no-principal", "no-policy", "object-context-value", "array-context-value" };

    [Theory]
    [MemberData(nameof(MalformedResponses))]
    public async Task Malformed_authorizer_response_fails_closed_as_401(string defect)
    {
        var response = Policy(("Allow", ProtectedArn));
        switch (defect)
        {
            case "no-principal": response.PrincipalID = null; break;
            case "no-policy": response.PolicyDocument = null; break;
            case "object-context-value": response.Context = new() { ["nested"] = JsonDocument.Parse("""{"a":1}""").RootElement }; break;
            case "array-context-value": response.Context = new() { ["list"] = JsonDocument.Parse("[1]").RootElement }; break;
        }

        var outcome = await Stage(Returning(response)).AuthorizeAsync(Get("/protected", ("Authorization", "Bearer aaa.bbb.ccc")));

        Assert.Equal(401, outcome.Rejection?.StatusCode);
    }

    [Fact]
    public async Task Authorizer_context_reaches_the_backend_stringified_with_principal_and_latency()
    {
        var response = Policy(("Allow", ProtectedArn));
        response.Context = new() { ["role"] = "user", ["count"] = 1, ["flag"] = true, ["ratio"] = JsonDocument.Parse("2.5").RootElement };
        var stage = Stage(Returning(response));
        var request = Get("/protected", ("Authorization", "Bearer aaa.bbb.ccc"));

        var outcome = await stage.AuthorizeAsync(request);
        var proxy = stage.CreateProxyRequest(request, outcome);

        var authorizer = proxy.RequestContext!.Authorizer!;
        Assert.Equal("someone", authorizer.PrincipalId);
        Assert.Equal("user", authorizer["role"]);
        Assert.Equal("1", authorizer["count"]);
        Assert.Equal("true", authorizer["flag"]);
        Assert.Equal("2.5", authorizer["ratio"]);
        Assert.True(authorizer.ContainsKey("integrationLatency"));
        Assert.Equal("127.0.0.1", proxy.RequestContext.Identity?.SourceIp);
        Assert.Equal("prod", proxy.RequestContext.Stage);
    }

    [Fact]
    public async Task Each_request_served_from_the_cache_gets_its_own_authorizer_context_with_latency_zero()
    {
        var response = Policy(("Allow", ProtectedArn));
        response.Context = new() { ["role"] = "user", ["count"] = 1 };
        var stage = Stage(Returning(response));
        var request = Get("/protected", ("Authorization", "Bearer aaa.bbb.ccc"));
        await stage.AuthorizeAsync(request);                                         // the authorizer's answer is cached

        var first = (await stage.AuthorizeAsync(request)).Authorizer!;
        first["role"] = "admin";                                                     // whatever one request does to its context
        first.Remove("count");
        var second = await stage.AuthorizeAsync(request);

        Assert.Equal("cache-hit", second.Reason);
        Assert.NotSame(first, second.Authorizer);
        Assert.Equal("user", second.Authorizer!["role"]);
        Assert.Equal("1", second.Authorizer["count"]);
        Assert.Equal("someone", second.Authorizer.PrincipalId);
        Assert.Equal(0L, second.Authorizer["integrationLatency"]);
    }

    [Fact]
    public async Task A_cached_policy_decides_each_route_by_its_own_method_arn()
    {
        var invoker = Returning(Policy(("Allow", ProtectedArn)));
        var stage = Stage(invoker);
        var token = ("Authorization", "Bearer aaa.bbb.ccc");

        var first = await stage.AuthorizeAsync(Get("/protected", token));
        var otherRoute = await stage.AuthorizeAsync(Post("/protected/mfa/verify", token));
        var again = await stage.AuthorizeAsync(Get("/protected", token));
        var otherAgain = await stage.AuthorizeAsync(Post("/protected/mfa/verify", token));

        Assert.True(first.IsAllowed);
        Assert.Equal(("implicit-deny", 403), (otherRoute.Reason, otherRoute.Rejection?.StatusCode));
        Assert.Equal(("cache-hit", true), (again.Reason, again.IsAllowed));
        Assert.Equal(("implicit-deny", 403), (otherAgain.Reason, otherAgain.Rejection?.StatusCode));
        Assert.Equal(1, invoker.Calls);
    }

    [Fact]
    public async Task A_token_the_validation_expression_refuses_is_a_401_without_a_call_while_another_is_cached()
    {
        var invoker = Returning(Policy(("Allow", ProtectedArn)));
        var stage = Stage(invoker);
        await stage.AuthorizeAsync(Get("/protected", ("Authorization", "Bearer aaa.bbb.ccc")));   // a valid token's answer is cached

        var refused = await stage.AuthorizeAsync(Get("/protected", ("Authorization", "Bearer not-a-jwt")));
        var cached = await stage.AuthorizeAsync(Get("/protected", ("Authorization", "Bearer aaa.bbb.ccc")));

        Assert.Equal(("validation-expression", 401), (refused.Reason, refused.Rejection?.StatusCode));
        Assert.Equal("cache-hit", cached.Reason);
        Assert.Equal(1, invoker.Calls);
    }

    [Fact]
    public async Task Token_authorizer_receives_the_whole_header_and_the_method_arn()
    {
        var invoker = Returning(Policy(("Allow", ProtectedArn)));

        await Stage(invoker).AuthorizeAsync(Get("/protected", ("authorization", "Bearer abc.def.ghi")));

        Assert.Equal("TOKEN", invoker.LastRequest?.Type);
        Assert.Equal("Bearer abc.def.ghi", invoker.LastRequest?.AuthorizationToken);
        Assert.Equal(ProtectedArn, invoker.LastRequest?.MethodArn);
    }

    [Fact]
    public async Task Request_authorizer_with_caching_rejects_a_missing_identity_source_without_a_call()
    {
        var invoker = Returning(Policy(("Allow", "arn:aws:execute-api:local:000000000000:local/prod/*/*")));
        var cached = ServerlessTemplateReader.Parse(TestTemplates.With(
            authorizers: """
                "Admin": { "FunctionArn": { "Fn::GetAtt": [ "Fn", "Arn" ] }, "FunctionPayloadType": "REQUEST",
                           "Identity": { "Headers": [ "X-Custom-Auth" ], "QueryStrings": [ "api_key" ], "ReauthorizeEvery": 300 } }
                """,
            events: """
                "Admin": { "Type": "Api", "Properties": { "RestApiId": { "Ref": "Api" }, "Path": "/protected/admin", "Method": "GET", "Auth": { "Authorizer": "Admin" } } }
                """));

        var outcome = await Stage(invoker, cached).AuthorizeAsync(Get("/protected/admin", ("X-Custom-Auth", "v")));

        Assert.Equal(401, outcome.Rejection?.StatusCode);
        Assert.Equal(0, invoker.Calls);
    }

    [Fact]
    public async Task Request_authorizer_without_caching_is_called_with_no_identity_source()
    {
        var invoker = Returning(Policy(("Allow", "arn:aws:execute-api:local:000000000000:local/prod/*/*")));
        var request = GatewayRequest.Create("GET", "/protected/admin", sourceIp: "203.0.113.7");

        var outcome = await Stage(invoker).AuthorizeAsync(request);

        Assert.True(outcome.IsAllowed);
        Assert.Equal("REQUEST", invoker.LastRequest?.Type);
        Assert.Equal("203.0.113.7", invoker.LastRequest?.RequestContext?.Identity?.SourceIp);
    }

    [Fact]
    public async Task Route_without_an_authorizer_passes_with_no_authorizer_context()
    {
        var invoker = Returning(Policy(("Allow", ProtectedArn)));
        var stage = Stage(invoker);
        var request = Get("/public");

        var outcome = await stage.AuthorizeAsync(request);

        Assert.True(outcome.IsAllowed);
        Assert.Null(stage.CreateProxyRequest(request, outcome).RequestContext?.Authorizer);
        Assert.Equal(0, invoker.Calls);
    }
}
