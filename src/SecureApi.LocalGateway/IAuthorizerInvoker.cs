using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.LocalGateway;

/// <summary>
/// Calls a Lambda authorizer of the template. In process locally (the decision library), or a published
/// authorizer function through its Runtime API in the end-to-end suite: the gateway logic is the same.
/// </summary>
public interface IAuthorizerInvoker
{
    Task<AuthorizerInvocation> InvokeAsync(AuthorizerDefinition authorizer, APIGatewayCustomAuthorizerRequest request, CancellationToken ct);
}

/// <summary>
/// What an authorizer invocation produced, in API Gateway's terms:
/// <c>new AuthorizerInvocation.Policy(response)</c>, <c>AuthorizerInvocation.Unauthorized.Instance</c>,
/// <c>new AuthorizerInvocation.Failed(reason)</c>.
/// </summary>
public abstract record AuthorizerInvocation
{
    private AuthorizerInvocation() { }

    /// <summary>The function returned a response (principal, policy, context); the gateway still validates it.</summary>
    public sealed record Policy(APIGatewayCustomAuthorizerResponse Response) : AuthorizerInvocation;

    /// <summary>The function failed with the error message exactly "Unauthorized": 401.</summary>
    public sealed record Unauthorized : AuthorizerInvocation
    {
        public static Unauthorized Instance { get; } = new();
    }

    /// <summary>Any other function error or timeout: AUTHORIZER_FAILURE, which the template maps to 401. <paramref name="Reason"/> is for logs, never for clients.</summary>
    public sealed record Failed(string Reason) : AuthorizerInvocation;
}
