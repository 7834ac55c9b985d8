using System.Security.Claims;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>
/// <see cref="Microsoft.AspNetCore.Http.Features.Authentication.IHttpAuthenticationFeature"/>: the principal of the
/// event's authorizer context (docs/wire-contracts.md §2.9), built on first read, so an app whose authentication
/// scheme replaces the user never pays for it.
/// </summary>
internal partial class InvokeFeatures
{
    private APIGatewayCustomAuthorizerContext? _authorizer;
    private ClaimsPrincipal? _user;
    private bool _userResolved;

    public ClaimsPrincipal? User
    {
        get => _userResolved ? _user : SetUser(AuthorizerPrincipal.Create(_authorizer));
        set => SetUser(value);
    }

    /// <summary>The source of <see cref="User"/> for this invocation until the app sets one (null: anonymous).</summary>
    public void UseAuthorizer(APIGatewayCustomAuthorizerContext? authorizer)
    {
        _authorizer = authorizer;
        _user = null;
        _userResolved = false;
    }

    private ClaimsPrincipal? SetUser(ClaimsPrincipal? user)
    {
        _userResolved = true;
        return _user = user;
    }
}
