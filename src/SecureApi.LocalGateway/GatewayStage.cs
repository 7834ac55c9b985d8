using System.Globalization;
using System.Text.Json;
using SecureApi.AuthorizerContract;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.LocalGateway.Template;

namespace SecureApi.LocalGateway;

/// <summary>
/// What API Gateway does in front of a Lambda proxy integration on a REST API stage with Lambda authorizers,
/// without any web host, for the <see cref="GatewayDefinition"/> read from serverless.template: select the
/// method (none → MISSING_AUTHENTICATION_TOKEN), read its authorizer's identity sources (a missing TOKEN source
/// → 401 without a call), consult the result cache, invoke the authorizer, validate its response, evaluate the
/// policy against the methodArn, and build <c>requestContext.authorizer</c> and the proxy event.
/// See docs/wire-contracts.md §3.
/// </summary>
public sealed class GatewayStage(
    GatewayDefinition definition,
    IAuthorizerInvoker invoker,
    GatewayStageOptions options,
    TimeProvider time)
{
    private readonly AuthorizerResultCache _cache = new(time);
    private readonly string _stageName = options.Stage ?? definition.StageName;

    public GatewayDefinition Definition => definition;

    /// <summary>Forgets every cached authorizer result (as redeploying the stage does).</summary>
    public void FlushAuthorizerCache() => _cache.Clear();

    public async Task<GatewayOutcome> AuthorizeAsync(GatewayRequest request, CancellationToken ct = default)
    {
        var route = definition.Find(request.Method, request.Path, out var pathParameters);
        if (route is null)
        {
            return options.IsLocalOnly(request.Path)
                ? GatewayOutcome.Pass(null, null, null, "local-only")
                : GatewayOutcome.Reject(null, Respond(GatewayResponseTypes.MissingAuthenticationToken, request), "no-such-resource");
        }
        if (route.Authorizer is not { } authorizer) return GatewayOutcome.Pass(route, pathParameters, null, "public");

        var sources = new string?[authorizer.IdentitySources.Count];
        var anyMissing = false;
        for (var i = 0; i < sources.Length; i++)
        {
            sources[i] = ReadIdentitySource(request, authorizer.IdentitySources[i]);
            anyMissing |= string.IsNullOrEmpty(sources[i]);
        }
        // TOKEN: the header is always required. REQUEST: sources are required only while caching is on.
        if (anyMissing && (authorizer.Type == AuthorizerType.Token || authorizer.CachingEnabled))
            return Reject(route, GatewayResponseTypes.Unauthorized, request, "missing-identity-source", sources: sources);

        // A cached answer's key passed the ValidationExpression when it was cached (only a validated token reaches the
        // authorizer, only an answer is cached): the match, a function of the token alone, is not run again on a hit.
        var cacheKey = string.Join('\n', sources);
        if (_cache.TryGet(authorizer, cacheKey, out CachedAuthorizerAnswer cached))
        {
            // A hit: the cached policy against this request's methodArn (a function of the method and path alone: the
            // stage's region, account, API and stage are fixed) and the cached context, each worked out once per answer.
            if (!cached.TryGetDecision(request.Method, request.Path, out var decision))
                decision = cached.Remember(request.Method, request.Path, IamPolicyEvaluator.Evaluate(cached.Response.PolicyDocument, MethodArn(request)));
            return decision == PolicyDecision.Allow
                ? GatewayOutcome.Pass(route, pathParameters, cached.ContextForHit(), "cache-hit", sources, cached.Response, cached.StoredAt)
                : Deny(route, request, decision, sources, cached.Response, cached.StoredAt);
        }

        if (authorizer.ValidationExpression is { } expression && !expression.IsMatch(sources[0]!))
            return Reject(route, GatewayResponseTypes.Unauthorized, request, "validation-expression", sources: sources);

        var methodArn = MethodArn(request);
        var authorizerRequest = CreateAuthorizerRequest(route, request, pathParameters, sources, methodArn);
        var started = time.GetTimestamp();
        var invocation = await InvokeWithTimeoutAsync(route, authorizerRequest, ct).ConfigureAwait(false);
        var latencyMs = (long)time.GetElapsedTime(started).TotalMilliseconds;

        switch (invocation)
        {
            case AuthorizerInvocation.Unauthorized:
                return Reject(route, GatewayResponseTypes.Unauthorized, request, "unauthorized", sources: sources);
            case AuthorizerInvocation.Failed:
                return Reject(route, GatewayResponseTypes.AuthorizerFailure, request, "authorizer-failure", sources: sources);
            case AuthorizerInvocation.Policy { Response: var returned } when IsWellFormed(returned):
                _cache.Set(authorizer, cacheKey, returned);
                var allowed = IamPolicyEvaluator.Evaluate(returned.PolicyDocument, methodArn);
                return allowed == PolicyDecision.Allow
                    ? GatewayOutcome.Pass(route, pathParameters, CreateAuthorizerContext(returned, latencyMs), "allow", sources, returned)
                    : Deny(route, request, allowed, sources, returned, cachedAt: null);
            default:
                return Reject(route, GatewayResponseTypes.AuthorizerConfigurationError, request, "malformed-response", sources: sources);
        }
    }

    private string MethodArn(GatewayRequest request) => options.MethodArn(_stageName, request.Method, request.Path);

    private GatewayOutcome Deny(GatewayRoute route, GatewayRequest request, PolicyDecision decision, string?[] sources,
        APIGatewayCustomAuthorizerResponse policy, DateTimeOffset? cachedAt) =>
        decision == PolicyDecision.ExplicitDeny
            ? Reject(route, GatewayResponseTypes.AccessDenied, request, "explicit-deny", GatewayResponses.ExplicitDenyMessage, sources, policy, cachedAt)
            : Reject(route, GatewayResponseTypes.AccessDenied, request, "implicit-deny", GatewayResponses.ImplicitDenyMessage, sources, policy, cachedAt);

    private GatewayResponse Respond(string type, GatewayRequest request, string? message = null) =>
        definition.Responses.Create(type, request.RequestId, message);

    private GatewayOutcome Reject(GatewayRoute route, string type, GatewayRequest request, string reason, string? message = null,
        string?[]? sources = null, APIGatewayCustomAuthorizerResponse? policy = null, DateTimeOffset? cachedAt = null) =>
        GatewayOutcome.Reject(route, Respond(type, request, message), reason, sources, policy, cachedAt);

    /// <summary>The REST v1 proxy event API Gateway would send the backend for an allowed request.</summary>
    public APIGatewayProxyRequest CreateProxyRequest(GatewayRequest request, GatewayOutcome outcome)
    {
        if (!outcome.IsAllowed) throw new InvalidOperationException("A rejected request never reaches the integration.");
        var context = CreateRequestContext(request, outcome.Route);
        context.Authorizer = outcome.Authorizer;
        return new APIGatewayProxyRequest
        {
            Resource = outcome.Route?.Resource ?? request.Path,
            Path = request.Path,
            HttpMethod = request.Method,
            Headers = SingleValues(request.Headers, StringComparer.OrdinalIgnoreCase),
            MultiValueHeaders = MultiValues(request.Headers, StringComparer.OrdinalIgnoreCase),
            QueryStringParameters = request.Query.Count == 0 ? null : SingleValues(request.Query, StringComparer.Ordinal),
            MultiValueQueryStringParameters = request.Query.Count == 0 ? null : MultiValues(request.Query, StringComparer.Ordinal),
            PathParameters = outcome.PathParameters,
            RequestContext = context,
        };
    }

    private async Task<AuthorizerInvocation> InvokeWithTimeoutAsync(
        GatewayRoute route, APIGatewayCustomAuthorizerRequest authorizerRequest, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.AuthorizerTimeout);
        try
        {
            return await invoker.InvokeAsync(route.Authorizer!, authorizerRequest, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false)
                ?? new AuthorizerInvocation.Failed("invoker returned null");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AuthorizerInvocation.Failed("timeout");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new AuthorizerInvocation.Failed(ex.GetType().Name);
        }
    }

    private static string? ReadIdentitySource(GatewayRequest request, IdentitySource source) =>
        source.Location == IdentitySourceLocation.Header ? request.HeaderValue(source.Name) : request.QueryValue(source.Name);

    private APIGatewayCustomAuthorizerRequest CreateAuthorizerRequest(
        GatewayRoute route, GatewayRequest request, Dictionary<string, string>? pathParameters, string?[] sources, string methodArn)
    {
        if (route.Authorizer!.Type == AuthorizerType.Token)
        {
            return new APIGatewayCustomAuthorizerRequest { Type = "TOKEN", AuthorizationToken = sources[0], MethodArn = methodArn };
        }
        return new APIGatewayCustomAuthorizerRequest
        {
            Type = "REQUEST",
            MethodArn = methodArn,
            Resource = route.Resource,
            Path = request.Path,
            HttpMethod = request.Method,
            Headers = SingleValues(request.Headers, StringComparer.OrdinalIgnoreCase),
            MultiValueHeaders = MultiValues(request.Headers, StringComparer.OrdinalIgnoreCase),
            QueryStringParameters = SingleValues(request.Query, StringComparer.Ordinal),
            MultiValueQueryStringParameters = MultiValues(request.Query, StringComparer.Ordinal),
            PathParameters = pathParameters ?? new Dictionary<string, string>(),
            StageVariables = new Dictionary<string, string>(),
            RequestContext = CreateRequestContext(request, route),
        };
    }

    private APIGatewayProxyRequest.ProxyRequestContext CreateRequestContext(GatewayRequest request, GatewayRoute? route)
    {
        var now = time.GetUtcNow();
        return new APIGatewayProxyRequest.ProxyRequestContext
        {
            AccountId = options.AccountId,
            ApiId = options.ApiId,
            Stage = _stageName,
            Path = "/" + _stageName + request.Path,
            ResourcePath = route?.Resource ?? request.Path,
            HttpMethod = request.Method,
            RequestId = request.RequestId,
            ExtendedRequestId = request.RequestId,
            Protocol = "HTTP/1.1",
            RequestTime = now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
            RequestTimeEpoch = now.ToUnixTimeMilliseconds(),
            Identity = new APIGatewayProxyRequest.RequestIdentity
            {
                SourceIp = request.SourceIp,
                UserAgent = request.HeaderValue("User-Agent"),
            },
        };
    }

    /// <summary>principalId and policyDocument are required; context values must be string, number, boolean or null.</summary>
    private static bool IsWellFormed(APIGatewayCustomAuthorizerResponse? response)
    {
        if (response is null || string.IsNullOrEmpty(response.PrincipalID)) return false;
        if (response.PolicyDocument?.Statement is not { Count: > 0 }) return false;
        if (response.Context is null) return true;
        foreach (var value in response.Context.Values)
        {
            if (!APIGatewayCustomAuthorizerContext.TryStringify(value, out _)) return false;
        }
        return true;
    }

    /// <summary>requestContext.authorizer as API Gateway delivers it: principalId, integrationLatency, and every
    /// context key at the top level with its value stringified.</summary>
    internal static APIGatewayCustomAuthorizerContext CreateAuthorizerContext(APIGatewayCustomAuthorizerResponse response, long latencyMs)
    {
        var context = new APIGatewayCustomAuthorizerContext();
        if (response.Context is not null)
        {
            foreach (var (key, value) in response.Context)
            {
                APIGatewayCustomAuthorizerContext.TryStringify(value, out var text);
                context[key] = text;
            }
        }
        context[AuthorizerContextKeys.PrincipalId] = response.PrincipalID;
        context[AuthorizerContextKeys.IntegrationLatency] = latencyMs;
        return context;
    }

    private static Dictionary<string, string> SingleValues(IReadOnlyDictionary<string, IReadOnlyList<string>> source, StringComparer comparer)
    {
        var result = new Dictionary<string, string>(comparer);
        foreach (var (key, values) in source)
        {
            if (values.Count > 0) result[key] = values[^1];
        }
        return result;
    }

    private static Dictionary<string, IList<string>> MultiValues(IReadOnlyDictionary<string, IReadOnlyList<string>> source, StringComparer comparer)
    {
        var result = new Dictionary<string, IList<string>>(comparer);
        foreach (var (key, values) in source) result[key] = [.. values];
        return result;
    }
}
