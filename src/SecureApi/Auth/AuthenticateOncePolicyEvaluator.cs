using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace SecureApi.Auth;

/// <summary>
/// The framework's PolicyEvaluator, except that a policy naming only the authorizer scheme takes the result
/// UseAuthentication already has from that scheme (the default authenticate scheme) instead of running it again.
/// The second run was a cache hit in the handler, but the framework wrapped it in a new ticket, properties, result and
/// tasks on every protected request (~0.6 KB, bench/README.md#the-protected-paths-cost).
/// Only a success of that very scheme is taken; anything else (the scheme failed or had no result, other schemes)
/// goes to the framework's evaluator, which runs the scheme and makes a refused request anonymous, so the Lambda
/// hosting's own User is never accepted as is (docs/wire-contracts.md#s2-9).
/// </summary>
internal sealed class AuthenticateOncePolicyEvaluator(IAuthorizationService authorization) : PolicyEvaluator(authorization)
{
    public override Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context)
    {
        if (policy.AuthenticationSchemes is [ApiGatewayAuthorizerDefaults.AuthenticationScheme] &&
            context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is
                { Succeeded: true, Ticket.AuthenticationScheme: ApiGatewayAuthorizerDefaults.AuthenticationScheme } authenticated)
        {
            context.User = authenticated.Principal!;                  // as the framework's evaluator does with the scheme's principal
            return Task.FromResult(authenticated);
        }
        return base.AuthenticateAsync(policy, context);
    }
}
