namespace SecureApi.Authorizers;

/// <summary>
/// The <c>reason</c> dimension of <c>secureapi.authorizer.decisions</c>: a closed, low-cardinality set that groups the
/// detailed <see cref="ReasonCodes"/> (kept in the decision log) into what an operator charts and alarms on.
/// docs/metrics.md lists them. A reason code without a group here fails a test; at run time it reads "other".
/// </summary>
public static class MetricReasons
{
    public const string Allowed = "allowed";
    public const string NoRoutePermission = "no-route-permission";
    public const string Missing = "missing";
    public const string Malformed = "malformed";
    public const string BadSignature = "bad-signature";
    public const string UnknownKey = "unknown-key";
    public const string KeysUnavailable = "keys-unavailable";
    public const string Expired = "expired";
    public const string BadLifetime = "bad-lifetime";
    public const string UnknownIssuer = "unknown-issuer";
    public const string BadClaims = "bad-claims";
    /// <summary>An API key or X-Custom-Auth value that matches no usable credential: unknown, revoked or expired alike.</summary>
    public const string InvalidCredential = "invalid-credential";
    public const string UnknownPrincipal = "unknown-principal";
    public const string Disabled = "disabled";
    public const string IpNotAllowed = "ip-not-allowed";
    public const string LockedOut = "locked-out";
    public const string StoreError = "store-error";
    public const string DirectoryError = "directory-error";
    public const string InternalError = "internal-error";
    public const string Other = "other";

    public static string Of(string reasonCode) => reasonCode switch
    {
        ReasonCodes.Allowed => Allowed,
        ReasonCodes.RouteNotCovered => NoRoutePermission,
        ReasonCodes.MissingCredential => Missing,
        ReasonCodes.MalformedCredential or ReasonCodes.AmbiguousCredential or ReasonCodes.TokenTooLarge or ReasonCodes.NotBearer
            or ReasonCodes.UnsupportedCrit or ReasonCodes.MalformedHeader or ReasonCodes.InvalidClaimType or ReasonCodes.BadMethodArn => Malformed,
        ReasonCodes.InvalidSignature or ReasonCodes.AlgorithmNotAllowed => BadSignature,
        ReasonCodes.SigningKeyNotFound => UnknownKey,
        ReasonCodes.KeysUnavailable => KeysUnavailable,
        ReasonCodes.Expired => Expired,
        ReasonCodes.NotYetValid or ReasonCodes.MissingExpiration or ReasonCodes.LifetimeTooLong => BadLifetime,
        ReasonCodes.InvalidIssuer or ReasonCodes.UnknownIssuer => UnknownIssuer,
        ReasonCodes.InvalidAudience or ReasonCodes.WrongTokenType or ReasonCodes.MissingSubject or ReasonCodes.TokenInvalid
            or ReasonCodes.WrongTenant or ReasonCodes.EmailNotVerified or ReasonCodes.WrongHostedDomain => BadClaims,
        ReasonCodes.InvalidCredential => InvalidCredential,
        ReasonCodes.UnknownPrincipal => UnknownPrincipal,
        ReasonCodes.PrincipalDisabled => Disabled,
        ReasonCodes.IpNotAllowed => IpNotAllowed,
        ReasonCodes.DirectoryLocked => LockedOut,
        ReasonCodes.StoreUnavailable => StoreError,
        ReasonCodes.DirectoryUnavailable => DirectoryError,
        ReasonCodes.InternalError or ReasonCodes.Timeout => InternalError,
        _ => Other,
    };
}
