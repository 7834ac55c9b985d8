using SecureApi.AuthorizationStore.Saml;
using SecureApi.TokenService.Saml;
using SecureApi.TokenService.Tokens;

namespace SecureApi.TokenService;

/// <summary>
/// The grant (RFC 7522 §2.1) from parsed form parameters to a token: grant type, the assertion's validation, the
/// scope (a subset of the permissions the assertion maps to), one use per assertion, then the token. The replay
/// mark comes last among the checks, so a refused request never uses up a good assertion.
/// </summary>
public sealed class TokenExchange(AssertionValidator validator, IAssertionReplayCache replay, TokenMinter minter)
{
    public const string Saml2BearerGrantType = "urn:ietf:params:oauth:grant-type:saml2-bearer";

    public sealed record Result(TokenMinter.MintedToken Token, ValidatedAssertion Assertion);

    /// <exception cref="OAuthErrorException">A §5.2 error.</exception>
    public async Task<Result> ExchangeAsync(string? grantType, string? assertion, string? scope, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(grantType)) throw OAuthErrorException.InvalidRequest("The grant_type parameter is required.");
        if (grantType != Saml2BearerGrantType)
            throw new OAuthErrorException(OAuthErrors.UnsupportedGrantType, $"Only grant_type={Saml2BearerGrantType} is supported.");
        var validated = await validator.ValidateAsync(assertion, ct).ConfigureAwait(false);

        var idp = validated.IdentityProvider;
        var permissions = validated.AttributeValues(idp.PermissionAttribute).Distinct(StringComparer.Ordinal).ToList();
        var granted = permissions;
        if (!string.IsNullOrWhiteSpace(scope))
        {
            var requested = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
            if (requested.Any(s => !permissions.Contains(s, StringComparer.Ordinal)))
                throw new OAuthErrorException(OAuthErrors.InvalidScope, "The requested scope exceeds the permissions the assertion grants.");
            granted = requested;
        }

        if (!await replay.TryUseAsync(idp.EntityId, validated.Id, validated.NotOnOrAfter, ct).ConfigureAwait(false))
            throw OAuthErrorException.InvalidGrant("The assertion was used already.");
        var token = await minter.MintAsync(validated, granted, string.Join(' ', granted), ct).ConfigureAwait(false);
        return new Result(token, validated);
    }
}
