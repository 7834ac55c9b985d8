using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Authorizers;

/// <summary>
/// Builds the decision for a valid credential. The policy has one statement per route of the table, under the
/// methodArn's own API and stage: Allow where the principal's role/permissions satisfy the rule, Deny elsewhere.
/// That stays correct when API Gateway re-checks a cached policy against later routes. The route table is passed
/// per decision (the store's table, or the configured seed). The Allow and Deny statement of each route for the last
/// (table instance, stage) seen are built once and shared by every response — they are never modified after
/// creation — so a decision allocates its statement list, not nine statements with two sets each: that is what
/// keeps the REQUEST decision within its 2 µs goal with the admin routes in the table.
/// </summary>
/// <summary>The token's amr values and auth_time (epoch seconds), for the context; either may be absent.</summary>
internal sealed record TokenAuthentication(IReadOnlyList<string> Amr, long? AuthTime);

internal sealed class PolicyBuilder(RouteRules defaultRoutes)
{
    private sealed record StageResources(
        RouteRules Routes, string Prefix,
        APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement[] Allow, APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement[] Deny);
    private StageResources? _lastStage; // a reference: read and replaced atomically
    // The four keys every decision sets and the six it may (sourceIp, keyId, expiresAt, amr, authTime, issuer): sized once,
    // the context never grows (an empty Dictionary starts with three buckets and rebuilds itself at the fourth entry).
    private const int ContextCapacity = 10;

    /// <summary>The decision against the table this builder was created with.</summary>
    public AuthorizerDecision Decide(
        in MethodArn arn, string principalId, string authType,
        IReadOnlyCollection<string> roles, IReadOnlyCollection<string> permissions, string? sourceIp = null,
        long? expiresAt = null, TokenAuthentication? authentication = null, string? issuer = null) =>
        Decide(defaultRoutes, arn, principalId, authType, roles, permissions, sourceIp, expiresAt: expiresAt, authentication: authentication, issuer: issuer);

    /// <summary>The decision against <paramref name="routes"/>; <paramref name="keyId"/> (a stored credential's id) goes into the context.</summary>
    public AuthorizerDecision Decide(
        RouteRules routes, in MethodArn arn, string principalId, string authType,
        IReadOnlyCollection<string> roles, IReadOnlyCollection<string> permissions, string? sourceIp = null, string? keyId = null,
        long? expiresAt = null, TokenAuthentication? authentication = null, string? issuer = null)
    {
        var stage = StatementsFor(routes, arn);
        var rules = routes.Rules;
        var statements = new List<APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement>(rules.Count);
        var allowed = false;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var satisfied = rule.IsSatisfiedBy(roles, permissions);
            // Once one satisfied route covers the request, the rest only choose their statement: no more path matching.
            if (!allowed && satisfied && arn.Verb.SequenceEqual(rule.Verb) && rule.MatchesPath(arn.Path)) allowed = true;
            statements.Add(satisfied ? stage.Allow[i] : stage.Deny[i]);
        }

        var context = new APIGatewayCustomAuthorizerContextOutput(ContextCapacity)
        {
            [AuthorizerContextKeys.PrincipalId] = principalId,
            [AuthorizerContextKeys.Role] = ContextList.Join(roles),
            [AuthorizerContextKeys.Permissions] = ContextList.Join(permissions),
            [AuthorizerContextKeys.AuthType] = authType,
        };
        if (sourceIp is not null) context[AuthorizerContextKeys.SourceIp] = sourceIp;
        if (keyId is not null) context[AuthorizerContextKeys.KeyId] = keyId;
        // A number (epoch seconds): the API refuses a cached decision whose token has expired.
        if (expiresAt is { } exp) context[AuthorizerContextKeys.ExpiresAt] = exp;
        // How the IdP authenticated the user: the API's step-up check accepts a recent MFA (docs/step-up.md).
        if (authentication is { Amr.Count: > 0 }) context[AuthorizerContextKeys.Amr] = ContextList.Join(authentication.Amr);
        if (authentication?.AuthTime is { } authTime) context[AuthorizerContextKeys.AuthTime] = authTime;
        if (issuer is not null) context[AuthorizerContextKeys.Issuer] = issuer;

        var response = new APIGatewayCustomAuthorizerResponse
        {
            PrincipalID = principalId,
            PolicyDocument = new APIGatewayCustomAuthorizerPolicy { Statement = statements },
            Context = context,
        };
        return new AuthorizerDecision(
            allowed ? AuthorizerOutcome.Allow : AuthorizerOutcome.Deny, response,
            allowed ? ReasonCodes.Allowed : ReasonCodes.RouteNotCovered, principalId, authType);
    }

    private StageResources StatementsFor(RouteRules routes, in MethodArn arn)
    {
        var last = _lastStage;
        if (last is not null && ReferenceEquals(last.Routes, routes) && arn.StagePrefix.SequenceEqual(last.Prefix)) return last;
        var prefix = arn.StagePrefix.ToString();
        var rules = routes.Rules;
        var allow = new APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement[rules.Count];
        var deny = new APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            var resource = prefix + rules[i].Verb + rules[i].ResourcePattern;
            allow[i] = Statement("Allow", resource);
            deny[i] = Statement("Deny", resource);
        }
        var stage = new StageResources(routes, prefix, allow, deny);
        _lastStage = stage;
        return stage;
    }

    private static APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement Statement(string effect, string resource) => new()
    {
        Effect = effect,
        Action = ["execute-api:Invoke"],
        Resource = [resource],
    };
}
