using SecureApi.Authorizers;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.LocalGateway;

/// <summary>
/// Runs the authorizers' own decision code in this process, exactly as the Lambda function wrappers do: a TOKEN
/// authorizer of the template runs <see cref="TokenAuthorizer"/>, a REQUEST one <see cref="RequestAuthorizer"/>
/// (so an authorizer added to the template needs no C# change). Unauthorized → the "Unauthorized" error (401);
/// Allow/Deny → the returned policy and context. A TOKEN authorizer with no signing key yet answers Unauthorized.
/// </summary>
public sealed class InProcessAuthorizerInvoker(Func<TokenAuthorizer?> tokenAuthorizer, RequestAuthorizer requestAuthorizer) : IAuthorizerInvoker
{
    public async Task<AuthorizerInvocation> InvokeAsync(AuthorizerDefinition authorizer, APIGatewayCustomAuthorizerRequest request, CancellationToken ct)
    {
        AuthorizerDecision decision;
        if (authorizer.Type == AuthorizerType.Token)
        {
            if (tokenAuthorizer() is not { } token) return AuthorizerInvocation.Unauthorized.Instance;
            decision = await token.AuthorizeAsync(request, ct).ConfigureAwait(false);
        }
        else
        {
            decision = await requestAuthorizer.AuthorizeAsync(request, ct).ConfigureAwait(false);
        }

        return decision switch
        {
            { Outcome: AuthorizerOutcome.Unauthorized } => AuthorizerInvocation.Unauthorized.Instance,
            { Response: { } response } => new AuthorizerInvocation.Policy(response),
            _ => new AuthorizerInvocation.Failed("decision without a response"),
        };
    }
}
