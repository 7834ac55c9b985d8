using System.Collections.Concurrent;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.LocalGateway;

/// <summary>
/// One cached authorizer answer and what follows from it alone, worked out once instead of on every cache hit:
/// the policy's decision for each (method, path) asked so far (a pure function of the policy and the methodArn, and
/// the methodArn of the stage's method and path) and <c>requestContext.authorizer</c> as hits deliver it
/// (integrationLatency 0). The answer itself is never changed; each request gets its own copy of the context.
/// </summary>
public sealed class CachedAuthorizerAnswer(APIGatewayCustomAuthorizerResponse response, DateTimeOffset storedAt, DateTimeOffset expiresAt)
{
    // A flood of distinct paths under one token (path parameters) must not grow an entry without limit: past this,
    // decisions are still evaluated, only not remembered.
    private const int MaxDecisions = 64;

    private readonly ConcurrentDictionary<(string Method, string Path), PolicyDecision> _decisions = new();
    private APIGatewayCustomAuthorizerContext? _context;

    public APIGatewayCustomAuthorizerResponse Response => response;

    /// <summary>When the answer was cached (the developer console shows its age).</summary>
    public DateTimeOffset StoredAt => storedAt;

    public DateTimeOffset ExpiresAt => expiresAt;

    /// <summary>The policy's decision for this method and path, if one was worked out already.</summary>
    public bool TryGetDecision(string method, string path, out PolicyDecision decision) => _decisions.TryGetValue((method, path), out decision);

    /// <summary>The policy's decision for this method and path (<see cref="IamPolicyEvaluator"/> against their methodArn), kept for the next hit.</summary>
    public PolicyDecision Remember(string method, string path, PolicyDecision decision)
    {
        if (_decisions.Count < MaxDecisions) _decisions.TryAdd((method, path), decision);
        return decision;
    }

    /// <summary>requestContext.authorizer for one request served from the cache: a copy of the one built for this answer.</summary>
    public APIGatewayCustomAuthorizerContext ContextForHit()
    {
        var built = Volatile.Read(ref _context);
        if (built is null) Volatile.Write(ref _context, built = GatewayStage.CreateAuthorizerContext(response, latencyMs: 0));
        var copy = new APIGatewayCustomAuthorizerContext();
        copy.EnsureCapacity(built.Count);
        foreach (var (key, value) in built) copy[key] = value;
        return copy;
    }
}
