using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Authorizers;

/// <summary>
/// Builds the decision for a valid credential. The policy has one statement per route of the table, under the
/// methodArn's own API and stage: Allow where the principal's role/permissions satisfy the rule, Deny elsewhere.
/// That stays correct when API Gateway re-checks a cached policy against later routes.
/// </summary>
internal static class PolicyBuilder
{
    public static AuthorizerDecision Decide(
        RouteRules routes, in MethodArn arn, string principalId, string authType,
        IReadOnlyCollection<string> roles, IReadOnlyCollection<string> permissions, string? sourceIp = null)
    {
        var statements = new List<APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement>(routes.Rules.Count);
        foreach (var rule in routes.Rules)
        {
            statements.Add(new APIGatewayCustomAuthorizerPolicy.IAMPolicyStatement
            {
                Effect = rule.IsSatisfiedBy(roles, permissions) ? "Allow" : "Deny",
                Action = ["execute-api:Invoke"],
                Resource = [arn.ResourceFor(rule.Verb, rule.Path)],
            });
        }

        var context = new APIGatewayCustomAuthorizerContextOutput
        {
            ["principalId"] = principalId,
            ["role"] = string.Join(',', roles),
            ["permissions"] = string.Join(',', permissions),
            ["authType"] = authType,
        };
        if (sourceIp is not null) context["sourceIp"] = sourceIp;

        var response = new APIGatewayCustomAuthorizerResponse
        {
            PrincipalID = principalId,
            PolicyDocument = new APIGatewayCustomAuthorizerPolicy { Statement = statements },
            Context = context,
        };
        var allowed = routes.IsAllowed(arn.Verb, arn.Path, roles, permissions);
        return new AuthorizerDecision(
            allowed ? AuthorizerOutcome.Allow : AuthorizerOutcome.Deny, response,
            allowed ? ReasonCodes.Allowed : ReasonCodes.RouteNotCovered, principalId, authType);
    }
}
