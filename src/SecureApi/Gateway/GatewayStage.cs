using System.Globalization;
using System.Text.Json;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Gateway;

/// <summary>
/// What API Gateway does in front of a Lambda proxy integration on a REST API stage with Lambda authorizers,
/// without any web host: find the route's authorizer, read its identity sources (missing TOKEN source → 401
/// without a call), consult the result cache, invoke the authorizer, validate its response, evaluate the
/// policy against the methodArn, and build <c>requestContext.authorizer</c> and the proxy event.
/// </summary>
public sealed class GatewayStage(
    IReadOnlyList<GatewayRoute> routes,
    IAuthorizerInvoker invoker,
    GatewayStageOptions options,
    TimeProvider time)
{
    public AuthorizerResultCache Cache { get; } = new(time);
    public GatewayStageOptions Options => options;
    public IReadOnlyList<GatewayRoute> Routes => routes;

    public async Task<GatewayOutcome> AuthorizeAsync(GatewayRequest request, CancellationToken ct = default)
    {
        var route = GatewayRoutes.Find(routes, request.Method, request.Path);
        if (route is null) return GatewayOutcome.Pass(null, null, "public");

        var sources = new string?[route.IdentitySources.Count];
        var anyMissing = false;
        for (var i = 0; i < sources.Length; i++)
        {
            sources[i] = ReadIdentitySource(request, route.IdentitySources[i]);
            anyMissing |= string.IsNullOrEmpty(sources[i]);
        }
        // TOKEN: the header is always required. REQUEST: sources are required only while caching is on.
        if (anyMissing && (route.Type == AuthorizerType.Token || route.CachingEnabled))
            return GatewayOutcome.Reject(route, GatewayResponse.Unauthorized, "missing-identity-source");

        var methodArn = options.MethodArn(request.Method, request.Path);
        var cacheKey = string.Join('\n', sources);
        string reason;
        APIGatewayCustomAuthorizerResponse response;
        long latencyMs = 0;

        if (Cache.TryGet(route, cacheKey, out var cached))
        {
            response = cached;
            reason = "cache-hit";
        }
        else
        {
            var authorizerRequest = CreateAuthorizerRequest(route, request, sources, methodArn);
            var started = time.GetTimestamp();
            var invocation = await InvokeWithTimeoutAsync(route, authorizerRequest, ct).ConfigureAwait(false);
            latencyMs = (long)time.GetElapsedTime(started).TotalMilliseconds;

            switch (invocation)
            {
                case AuthorizerInvocation.Unauthorized:
                    return GatewayOutcome.Reject(route, GatewayResponse.Unauthorized, "unauthorized");
                case AuthorizerInvocation.Failed:
                    return GatewayOutcome.Reject(route, GatewayResponse.AuthorizerFailure, "authorizer-failure");
                case AuthorizerInvocation.Policy { Response: var returned } when IsWellFormed(returned):
                    response = returned;
                    Cache.Set(route, cacheKey, returned);
                    reason = "allow";
                    break;
                default:
                    return GatewayOutcome.Reject(route, GatewayResponse.AuthorizerFailure, "malformed-response");
            }
        }

        return Evaluate(response, methodArn) switch
        {
            PolicyDecision.Allow => GatewayOutcome.Pass(route, reason == "cache-hit" ? CachedContext(response) : CreateAuthorizerContext(response, latencyMs), reason),
            PolicyDecision.ExplicitDeny => GatewayOutcome.Reject(route, GatewayResponse.AccessDeniedExplicit, "explicit-deny"),
            _ => GatewayOutcome.Reject(route, GatewayResponse.AccessDeniedImplicit, "implicit-deny"),
        };
    }

    // A cached policy is re-evaluated for every request; remember each response's decision per methodArn and its
    // stringified context for cache hits (responses are never modified once returned; the memo dies with them).
    private sealed class Memo
    {
        public readonly System.Collections.Concurrent.ConcurrentDictionary<string, PolicyDecision> Decisions = new(StringComparer.Ordinal);
        public APIGatewayCustomAuthorizerContext? CacheHitContext;
    }

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<APIGatewayCustomAuthorizerResponse, Memo> _memos = new();

    private PolicyDecision Evaluate(APIGatewayCustomAuthorizerResponse response, string methodArn)
    {
        var decisions = _memos.GetOrCreateValue(response).Decisions;
        if (decisions.TryGetValue(methodArn, out var decision)) return decision;
        decision = IamPolicyEvaluator.Evaluate(response.PolicyDocument, methodArn);
        if (decisions.Count < 64) decisions[methodArn] = decision;
        return decision;
    }

    /// <summary>The authorizer context of a cache hit (integrationLatency 0), built once per cached response and
    /// shared read-only by the requests it serves.</summary>
    private APIGatewayCustomAuthorizerContext CachedContext(APIGatewayCustomAuthorizerResponse response)
    {
        var memo = _memos.GetOrCreateValue(response);
        return memo.CacheHitContext ??= CreateAuthorizerContext(response, 0);
    }

    /// <summary>The REST v1 proxy event API Gateway would send the backend for an allowed request.</summary>
    public APIGatewayProxyRequest CreateProxyRequest(GatewayRequest request, GatewayOutcome outcome)
    {
        if (!outcome.IsAllowed) throw new InvalidOperationException("A rejected request never reaches the integration.");
        var context = CreateRequestContext(request, outcome.Route);
        context.Authorizer = outcome.Authorizer;
        return new APIGatewayProxyRequest
        {
            Resource = outcome.Route?.Path ?? request.Path,
            Path = request.Path,
            HttpMethod = request.Method,
            Headers = SingleValues(request.Headers, StringComparer.OrdinalIgnoreCase),
            MultiValueHeaders = MultiValues(request.Headers, StringComparer.OrdinalIgnoreCase),
            QueryStringParameters = request.Query.Count == 0 ? null : SingleValues(request.Query, StringComparer.Ordinal),
            MultiValueQueryStringParameters = request.Query.Count == 0 ? null : MultiValues(request.Query, StringComparer.Ordinal),
            RequestContext = context,
            Body = request.Body,
            IsBase64Encoded = request.IsBase64Encoded,
        };
    }

    private async Task<AuthorizerInvocation> InvokeWithTimeoutAsync(
        GatewayRoute route, APIGatewayCustomAuthorizerRequest authorizerRequest, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.AuthorizerTimeout);
        try
        {
            return await invoker.InvokeAsync(route, authorizerRequest, timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false)
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
        GatewayRoute route, GatewayRequest request, string?[] sources, string methodArn)
    {
        if (route.Type == AuthorizerType.Token)
        {
            return new APIGatewayCustomAuthorizerRequest { Type = "TOKEN", AuthorizationToken = sources[0], MethodArn = methodArn };
        }
        return new APIGatewayCustomAuthorizerRequest
        {
            Type = "REQUEST",
            MethodArn = methodArn,
            Resource = route.Path,
            Path = request.Path,
            HttpMethod = request.Method,
            Headers = SingleValues(request.Headers, StringComparer.OrdinalIgnoreCase),
            MultiValueHeaders = MultiValues(request.Headers, StringComparer.OrdinalIgnoreCase),
            QueryStringParameters = SingleValues(request.Query, StringComparer.Ordinal),
            MultiValueQueryStringParameters = MultiValues(request.Query, StringComparer.Ordinal),
            PathParameters = new Dictionary<string, string>(),
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
            Stage = options.Stage,
            Path = "/" + options.Stage + request.Path,
            ResourcePath = route?.Path ?? request.Path,
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
            if (!TryStringify(value, out _)) return false;
        }
        return true;
    }

    /// <summary>requestContext.authorizer as API Gateway delivers it: principalId, integrationLatency, and every
    /// context key at the top level with its value stringified.</summary>
    private static APIGatewayCustomAuthorizerContext CreateAuthorizerContext(APIGatewayCustomAuthorizerResponse response, long latencyMs)
    {
        var context = new APIGatewayCustomAuthorizerContext();
        if (response.Context is not null)
        {
            foreach (var (key, value) in response.Context)
            {
                TryStringify(value, out var text);
                context[key] = text;
            }
        }
        context["principalId"] = response.PrincipalID;
        context["integrationLatency"] = latencyMs;
        return context;
    }

    private static bool TryStringify(object? value, out string? text)
    {
        text = null;
        switch (value)
        {
            case null: return true;
            case string s: text = s; return true;
            case bool b: text = b ? "true" : "false"; return true;
            case JsonElement { ValueKind: JsonValueKind.Null }: return true;
            case JsonElement { ValueKind: JsonValueKind.String } e: text = e.GetString(); return true;
            case JsonElement { ValueKind: JsonValueKind.True }: text = "true"; return true;
            case JsonElement { ValueKind: JsonValueKind.False }: text = "false"; return true;
            case JsonElement { ValueKind: JsonValueKind.Number } e: text = e.GetRawText(); return true;
            case JsonElement: return false;
            case byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal:
                text = ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture); return true;
            default: return false;
        }
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
