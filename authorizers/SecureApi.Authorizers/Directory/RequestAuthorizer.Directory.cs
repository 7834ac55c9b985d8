using SecureApi.AuthorizationStore;
using SecureApi.Authorizers.Directory;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Authorizers;

/// <summary>
/// The directory credential of the REQUEST authorizer (docs/directory.md): `Authorization: Basic`, checked after the
/// API key and X-Custom-Auth and before the IP allowlist, only when Directory__Url is set. Another scheme (Bearer)
/// is not ours and falls through as before. The store's principal record "directory:{name}" overlays the identity
/// as for token subjects: disabled → 401, its roles and permissions replace the group-mapped ones.
/// </summary>
public sealed partial class RequestAuthorizer
{
    private const string AuthorizationHeader = "Authorization";
    private readonly DirectoryAuthenticator? _directory;

    /// <param name="directory">The directory credential; null → off.</param>
    public RequestAuthorizer(RequestAuthorizerOptions options, TextWriter? decisionLog, IAuthorizationStore? store, DirectoryAuthenticator? directory)
        : this(options, decisionLog, store) => _directory = directory;

    /// <summary>The Authorization value when it is one Basic credential; an ambiguous header reads as a malformed Basic one.</summary>
    private static string? BasicAuthorization(APIGatewayCustomAuthorizerRequest request)
    {
        var (value, ambiguous) = Single(request.Headers, request.MultiValueHeaders, AuthorizationHeader, StringComparison.OrdinalIgnoreCase);
        if (ambiguous) return "Basic ";
        return value is not null && BasicCredential.IsBasic(value) ? value : null;
    }

    private async Task<AuthorizerDecision> DirectoryDecisionAsync(string authorization, MethodArn arn, string sourceIp, CancellationToken ct)
    {
        var result = await _directory!.AuthenticateAsync(authorization, ct).ConfigureAwait(false);
        if (result.Identity is not { } user) return AuthorizerDecision.Unauthorized(result.ReasonCode, AuthTypes.Directory);
        var principal = await StoreReads.PrincipalForSubjectAsync(_store, user.PrincipalId, ct).ConfigureAwait(false);
        if (principal is { Disabled: true }) return AuthorizerDecision.Unauthorized(ReasonCodes.PrincipalDisabled, AuthTypes.Directory);
        IReadOnlyCollection<string> roles = principal?.Roles ?? (IReadOnlyCollection<string>)user.Roles;
        IReadOnlyCollection<string> permissions = principal?.Permissions ?? (IReadOnlyCollection<string>)user.Permissions;
        return _policy.Decide(await RoutesAsync(ct).ConfigureAwait(false), arn, user.PrincipalId, AuthTypes.Directory, roles, permissions, sourceIp);
    }
}
