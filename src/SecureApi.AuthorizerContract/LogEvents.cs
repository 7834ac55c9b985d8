namespace SecureApi.AuthorizerContract;

/// <summary>
/// Every log event id of the solution, one range per area, so a log query can name an event by number or by
/// <c>EventName</c> (each <c>[LoggerMessage]</c> sets <c>EventName = nameof(LogEvents.X)</c>). An id, once shipped,
/// keeps its meaning: add new ones at the end of their range, never reuse one.
/// </summary>
public static class LogEvents
{
    // 1000–1099: the local API Gateway stage (dotnet run only).
    public const int GatewayDecision = 1001;
    public const int GatewayNoSigningKey = 1002;
    public const int GatewayTokenAuthorizerReloaded = 1003;
    public const int GatewayTokenAuthorizerInvalidAfterReload = 1004;
    public const int GatewayStageFailed = 1005;
    public const int GatewayConsoleRecordFailed = 1006;

    // 2000–2099: the authorizer context the API authenticates with.
    public const int AuthorizerContextWithoutPrincipal = 2001;
    public const int GatewayRouteMismatch = 2002;
    public const int AuthorizerContextExpired = 2003;

    // 2100–2199: the per-request route check against the store.
    public const int RouteCheckPrincipalDisabled = 2101;
    public const int RouteCheckKeyNotUsable = 2102;
    public const int RouteCheckStoreUnavailable = 2103;
    public const int RouteCheckRouteNotInTable = 2104;
    public const int RouteCheckIssuerNotRegistered = 2110;

    // 3000–3099: the admin API's changes.
    public const int AdminPrincipalPut = 3001;
    public const int AdminKeyCreated = 3002;
    public const int AdminKeyRevoked = 3003;
    public const int AdminRouteRulesReplaced = 3004;
    public const int AdminIssuerPut = 3010;
    public const int AdminIssuerDeleted = 3011;
    public const int AdminSamlIdpPut = 3012;
    public const int AdminSamlIdpDeleted = 3013;

    // 4000–4099: step-up code checks; 4100–4199: MFA enrollment; 4200–4299: step-up settings.
    public const int StepUpCodeAccepted = 4001;
    public const int StepUpCodeRefused = 4002;
    public const int StepUpLockedOut = 4003;
    public const int MfaEnrollmentStarted = 4101;
    public const int MfaEnrollmentConfirmed = 4102;
    public const int MfaEnrollmentDeleted = 4103;
    public const int StepUpGeneratedKey = 4201;

    // 5100–5199: the Lambda hosting of the ASP.NET Core pipeline.
    public const int HostingUnhandledException = 5101;
    public const int HostingOnStartingFailed = 5102;
    public const int HostingOnCompletedFailed = 5103;
    public const int HostingRuntimeLoopStarting = 5104;
    public const int HostingRuntimeLoopFailed = 5105;

    // 6000–6099: rate limiting (until this registry they shared 4001/4002 with the step-up check).
    public const int RateLimitCounterStoreFailed = 6001;
    public const int RateLimitGiveBackFailed = 6002;

    // 7000–7099: the token service (SAML 2.0 bearer assertion grant, docs/saml.md).
    public const int TokenIssued = 7001;
    public const int TokenGrantRefused = 7002;
    public const int TokenServiceUnavailable = 7003;
    public const int TokenSigningKeyGenerated = 7004;
    public const int TokenServiceFailed = 7005;
    public const int StoredIdentityProviderIgnored = 7006;
}
