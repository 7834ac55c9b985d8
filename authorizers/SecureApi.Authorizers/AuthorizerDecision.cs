using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Authorizers;

/// <summary>How API Gateway reads an authorizer's answer: Allow → integration runs; Deny → 403; Unauthorized → 401.</summary>
public enum AuthorizerOutcome { Allow, Deny, Unauthorized }

/// <summary>
/// One authorizer decision. <see cref="Response"/> (policy + context) is non-null for Allow and Deny, null for
/// Unauthorized. <see cref="ReasonCode"/> is a stable, secret-free code for logs and tests.
/// </summary>
public sealed record AuthorizerDecision(
    AuthorizerOutcome Outcome,
    APIGatewayCustomAuthorizerResponse? Response,
    string ReasonCode,
    string? PrincipalId,
    string? AuthType)
{
    internal static AuthorizerDecision Unauthorized(string reasonCode, string? authType = null) =>
        new(AuthorizerOutcome.Unauthorized, null, reasonCode, null, authType);
}

/// <summary>Stable reason codes written to the decision log (never carry the credential).</summary>
public static class ReasonCodes
{
    public const string Allowed = "allowed";
    public const string RouteNotCovered = "route_not_covered";
    public const string MissingCredential = "missing_credential";
    public const string MalformedCredential = "malformed_credential";
    public const string InvalidCredential = "invalid_credential";
    public const string AmbiguousCredential = "ambiguous_credential";
    public const string TokenTooLarge = "token_too_large";
    public const string NotBearer = "not_bearer";
    public const string UnsupportedCrit = "unsupported_crit";
    public const string MalformedHeader = "malformed_header";
    public const string InvalidClaimType = "invalid_claim_type";
    public const string LifetimeTooLong = "lifetime_too_long";
    public const string WrongTokenType = "wrong_token_type";
    public const string AlgorithmNotAllowed = "algorithm_not_allowed";
    public const string InvalidSignature = "invalid_signature";
    public const string SigningKeyNotFound = "signing_key_not_found";
    public const string KeysUnavailable = "keys_unavailable";
    public const string Expired = "expired";
    public const string NotYetValid = "not_yet_valid";
    public const string MissingExpiration = "missing_exp";
    public const string InvalidIssuer = "invalid_issuer";
    /// <summary>The token's iss is no registry entry's (refused before any key lookup or network request).</summary>
    public const string UnknownIssuer = "unknown_issuer";
    /// <summary>entra: tid missing or not the tenant of the issuer form the iss matched.</summary>
    public const string WrongTenant = "wrong_tenant";
    /// <summary>google: email_verified is not true.</summary>
    public const string EmailNotVerified = "email_not_verified";
    /// <summary>google: hd is not one of HostedDomains.</summary>
    public const string WrongHostedDomain = "wrong_hosted_domain";
    public const string InvalidAudience = "invalid_audience";
    public const string MissingSubject = "missing_sub";
    public const string TokenInvalid = "token_invalid";
    public const string BadMethodArn = "bad_method_arn";
    public const string IpNotAllowed = "ip_not_allowed";
    public const string InternalError = "internal_error";
    public const string Timeout = "timeout";
    /// <summary>The authorization store did not answer (timeout, network, throttling, missing table): fail closed.</summary>
    public const string StoreUnavailable = "store_unavailable";
    /// <summary>A stored credential's principal has no record in the store.</summary>
    public const string UnknownPrincipal = "unknown_principal";
    /// <summary>The principal's record in the store is disabled.</summary>
    public const string PrincipalDisabled = "principal_disabled";
    /// <summary>Directory credential: this user name's failed binds reached the limit; the directory was not asked.</summary>
    public const string DirectoryLocked = "directory_locked";
    /// <summary>Directory credential: the directory did not answer in time, or not as LDAP should (network, TLS, garbage).</summary>
    public const string DirectoryUnavailable = "directory_unavailable";
}
