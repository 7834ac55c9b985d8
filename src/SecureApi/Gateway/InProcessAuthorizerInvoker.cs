using SecureApi.Authorizers;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Gateway;

/// <summary>
/// Runs the authorizers' own decision code in this process, exactly as the Lambda function wrappers do:
/// Unauthorized → the "Unauthorized" error (401); Allow/Deny → the returned policy and context.
/// A TOKEN authorizer that is not configured (fresh machine, no dev signing key yet) answers Unauthorized.
/// </summary>
public sealed class InProcessAuthorizerInvoker(TokenAuthorizer? tokenAuthorizer, RequestAuthorizer requestAuthorizer) : IAuthorizerInvoker
{
    public async Task<AuthorizerInvocation> InvokeAsync(GatewayRoute route, APIGatewayCustomAuthorizerRequest request, CancellationToken ct)
    {
        AuthorizerDecision decision;
        switch (route.AuthorizerName)
        {
            case GatewayRoutes.TokenAuthorizerName:
                if (tokenAuthorizer is null) return AuthorizerInvocation.Unauthorized.Instance;
                decision = await tokenAuthorizer.AuthorizeAsync(request, ct).ConfigureAwait(false);
                break;
            case GatewayRoutes.RequestAuthorizerName:
                decision = requestAuthorizer.Authorize(request);
                break;
            default:
                return new AuthorizerInvocation.Failed("unknown authorizer");
        }

        return decision switch
        {
            { Outcome: AuthorizerOutcome.Unauthorized } => AuthorizerInvocation.Unauthorized.Instance,
            { Response: { } response } => new AuthorizerInvocation.Policy(response),
            _ => new AuthorizerInvocation.Failed("decision without a response"),
        };
    }
}
