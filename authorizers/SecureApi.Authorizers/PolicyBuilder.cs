using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Authorizers;

/// <summary>
/// Builds the decision for a valid credential. The policy has one statement per route of the table, under the
/// methodArn's own API and stage: Allow where the principal's role/permissions satisfy the rule, Deny elsewhere.
/// That stays correct when API Gateway re-checks a cached policy against later routes. The route table is passed
/// per decision (the store's table, or the configured seed); only the resource ARN strings of the last
/// (table instance, stage) seen are reused (immutable text, never a decision).
/// </summary>
internal sealed class PolicyBuilder(RouteRules defaultRoutes)
{
    private sealed record StageResources(RouteRules Routes, string Prefix, string[] Resources);
    private StageResources? _lastStage; // a reference: read and replaced atomically

    /// <summary>The decision against the table this builder was created with.</summary>
    public AuthorizerDecision Decide(
        in MethodArn arn, string principalId, string authType,
        IReadOnlyCollection<string> roles, IReadOnlyCollection<string> permissions, string? sourceIp = null,
        long? expiresAt = null) =>
        Decide(defaultRoutes, arn, principalId, authType, roles, permissions, sourceIp, expiresAt: expiresAt);

    /// <summary>The decision against <paramref name="routes"/>; <paramref name="keyId"/> (a stored credential's id) goes into the context.</summary>
    public AuthorizerDecision Decide(
        RouteRules routes, in MethodArn arn, string principalId, string authType,
        IReadOnlyCollection<string> roles, IReadOnlyCollection<string> permissions, string? sourceIp = null, string? keyId = null,
        long? expiresAt = null)
    {
        var resources = ResourcesFor(routes, arn);
        var rules = routes.Rules;
        var statements = new List<APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement>(rules.Count);
        var allowed = false;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var satisfied = rule.IsSatisfiedBy(roles, permissions);
            if (satisfied && arn.Verb.SequenceEqual(rule.Verb) && rule.MatchesPath(arn.Path)) allowed = true;
            statements.Add(new APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement
            {
                Effect = satisfied ? "Allow" : "Deny",
                Action = ["execute-api:Invoke"],
                Resource = [resources[i]],
            });
        }

        var context = new APIGatewayCustomAuthorizerContextOutput
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

    private string[] ResourcesFor(RouteRules routes, in MethodArn arn)
    {
        var last = _lastStage;
        if (last is not null && ReferenceEquals(last.Routes, routes) && arn.StagePrefix.SequenceEqual(last.Prefix)) return last.Resources;
        var prefix = arn.StagePrefix.ToString();
        var rules = routes.Rules;
        var resources = new string[rules.Count];
        for (var i = 0; i < resources.Length; i++) resources[i] = prefix + rules[i].Verb + rules[i].ResourcePattern;
        _lastStage = new StageResources(routes, prefix, resources);
        return resources;
    }
}
