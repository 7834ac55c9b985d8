using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;
using SecureApi.RateLimiting;
using SecureApi.Setup;
using SecureApi.StepUp;

namespace SecureApi.Admin;

/// <summary>
/// The admin API under /protected/admin (REQUEST authorizer; the route table asks role admin): principals, their
/// keys and the route table in the authorization store. Every change is written with its audit record (actor =
/// the caller's principalId) in one store transaction, after all validation, and logs one line — never a secret
/// or hash. Store unavailable → 503 (see Setup/StoreProblems). Every write needs step-up (docs/step-up.md).
/// </summary>
public static class AdminApi
{
    /// <summary>
    /// The one /protected/admin group: every route behind the REQUEST authorizer, checked against the route table,
    /// rate-limited per principal; writes add step-up. The admin's reset of another principal's MFA enrollment
    /// (StepUp/MfaApi) is mapped into it too.
    /// </summary>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/protected/admin").WithTags("Admin").WithMetadata(AdminApiMetadata.Instance)
            .RequireRateLimiting(RateLimitPolicies.Plan)                                    // per principal
            .BehindGatewayAuthorizer(AuthorizerNames.Request)
            .RequireRouteRules();
        group.MapGet("/principals/{principalId}", GetPrincipal).WithName("GetPrincipal")
            .WithSummary("A principal: roles, permissions, disabled.");
        group.MapPut("/principals/{principalId}", PutPrincipal).WithName("PutPrincipal").RequireStepUp()
            .WithSummary("Creates (201) or replaces (200) a principal.");
        group.MapGet("/principals/{principalId}/usage", PrincipalUsage.GetUsage).WithName("GetPrincipalUsage")
            .WithSummary("A principal's plan, current counts and what remains (rate window and quota period).");
        group.MapGet("/principals/{principalId}/keys", ListKeys).WithName("ListKeys")
            .WithSummary("A principal's keys, without secrets or hashes.");
        group.MapPost("/principals/{principalId}/keys", CreateKey).WithName("CreateKey").RequireStepUp()
            .WithSummary("Generates a key; the secret is in this response only.");
        group.MapDelete("/keys/{keyId}", RevokeKey).WithName("RevokeKey").RequireStepUp()
            .WithSummary("Revokes a key.");
        group.MapGet("/routes", GetRoutes).WithName("GetRoutePolicy")
            .WithSummary("The route policy table in force.");
        group.MapPut("/routes", PutRoutes).WithName("PutRoutePolicy").RequireStepUp()
            .WithSummary("Replaces the route policy table; it must cover exactly the API's routes.");
        group.MapMfaReset();
        group.MapEnrollmentTickets();
        group.MapAuditApi();
        group.MapIssuersApi();
        group.MapSamlIdpsApi();
        return group;
    }

    public static async Task<Results<Ok<PrincipalResponse>, NotFound, ValidationProblem>> GetPrincipal(
        string principalId, IAuthorizationStore store, CancellationToken ct)
    {
        if (AdminValidation.IdProblem(principalId, "principalId") is { } problem) return problem;
        return await CachingAuthorizationStore.Uncached(store).GetPrincipalAsync(principalId, ct) is { } principal
            ? TypedResults.Ok(ToResponse(principal))
            : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<PrincipalResponse>, Created<PrincipalResponse>, ValidationProblem, ProblemHttpResult>> PutPrincipal(
        string principalId, PrincipalBody body, HttpContext context, IAuthorizationStore store, RatePlans plans,
        [FromServices] EndpointDataSource endpoints, ILogger<AdminApiLog> logger, CancellationToken ct)
    {
        var input = new AdminValidation();
        input.RecordPrincipalId(principalId, "principalId");
        var roles = input.Names(body.Roles, "roles");
        var permissions = input.Names(body.Permissions, "permissions");
        var plan = input.Plan(body.Plan, plans.Default, EndpointRoutes.RateLimited(endpoints));
        if (!input.IsValid) return TypedResults.ValidationProblem(input.Errors());

        var actor = AuthenticatedCaller.Actor(context);
        if (body.Disabled == true && principalId == actor.PrincipalId)
            return AdminGuardRails.Refused("An admin cannot disable the principal it is calling as; another admin must do it.");
        var result = await store.PutPrincipalAsync(new PrincipalChange(principalId, roles, permissions, body.Disabled ?? false, plan, KeepStoredPlan: !body.PlanGiven), actor, ct);
        AdminApiLog.PrincipalPut(logger, actor.PrincipalId, principalId, result.Created, result.Principal.Disabled);
        AdminMetrics.Changed(result.Created ? AuditActions.PrincipalCreated : AuditActions.PrincipalUpdated);
        var response = ToResponse(result.Principal);
        return result.Created ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<KeyListResponse>, NotFound, ValidationProblem>> ListKeys(
        string principalId, IAuthorizationStore store, CancellationToken ct)
    {
        if (AdminValidation.IdProblem(principalId, "principalId") is { } problem) return problem;
        if (await CachingAuthorizationStore.Uncached(store).GetPrincipalAsync(principalId, ct) is null) return TypedResults.NotFound();
        var keys = await store.ListCredentialsAsync(principalId, ct);
        return TypedResults.Ok(new KeyListResponse(principalId, [.. keys.Select(ToResponse)]));
    }

    public static async Task<Results<Created<CreatedKeyResponse>, NotFound, ValidationProblem>> CreateKey(
        string principalId, NewKeyBody body, HttpContext context, IAuthorizationStore store, TimeProvider time,
        ILogger<AdminApiLog> logger, CancellationToken ct)
    {
        var input = new AdminValidation();
        input.KeyPrincipalId(principalId, "principalId");
        var kind = input.Kind(body.Kind);
        var expiresAt = input.ExpiresAt(body.ExpiresAt, time.GetUtcNow());
        var description = input.Description(body.Description);
        if (!input.IsValid) return TypedResults.ValidationProblem(input.Errors());

        var actor = AuthenticatedCaller.Actor(context);
        // A fresh id and secret colliding with a stored one is next to impossible; the conditional create refuses it and we draw again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var keyId = AdminKeys.NewKeyId();
            var secret = AdminKeys.NewSecret();
            var outcome = await store.CreateCredentialAsync(
                new NewCredential(keyId, kind, principalId, CredentialHash.Of(secret), expiresAt, description), actor, ct);
            switch (outcome)
            {
                case CreateCredentialOutcome.Created:
                    AdminApiLog.KeyCreated(logger, actor.PrincipalId, keyId, kind, principalId);
                    SecretResponses.NeverCache(context.Response);
                    AdminMetrics.Changed(AuditActions.CredentialCreated);
                    return TypedResults.Created((string?)null, new CreatedKeyResponse(keyId, secret, kind, principalId, expiresAt));
                case CreateCredentialOutcome.UnknownPrincipal:
                    return TypedResults.NotFound();
            }
        }
        throw new InvalidOperationException("Could not draw an unused key id and secret in 3 attempts.");
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> RevokeKey(
        string keyId, HttpContext context, IAuthorizationStore store, ILogger<AdminApiLog> logger, CancellationToken ct)
    {
        if (AdminValidation.IdProblem(keyId, "keyId") is { } problem) return problem;
        if (AdminGuardRails.IsCallersKey(context, keyId))
            return AdminGuardRails.Refused("An admin cannot revoke the key it is calling with; call with another key, or have another admin do it.");
        var actor = AuthenticatedCaller.Actor(context);
        if (await store.RevokeCredentialAsync(keyId, actor, ct) is not { } revoked) return TypedResults.NotFound();
        AdminApiLog.KeyRevoked(logger, actor.PrincipalId, keyId, revoked.PrincipalId);
        AdminMetrics.Changed(AuditActions.CredentialRevoked);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<RoutePolicyResponse>> GetRoutes(IAuthorizationStore store, CancellationToken ct)
    {
        var stored = await CachingAuthorizationStore.Uncached(store).GetRouteRulesAsync(ct);
        return TypedResults.Ok(ToResponse(stored ?? RouteRules.Default, stored is not null));
    }

    public static async Task<Results<Ok<RoutePolicyResponse>, ValidationProblem>> PutRoutes(
        RoutePolicyBody body, HttpContext context, [FromServices] EndpointDataSource endpoints, IAuthorizationStore store,
        ILogger<AdminApiLog> logger, CancellationToken ct)
    {
        var input = new AdminValidation();
        var routes = input.Routes(body.Routes, EndpointRoutes.BehindAuthorizers(endpoints), EndpointRoutes.AdminApi(endpoints));
        if (routes is null) return TypedResults.ValidationProblem(input.Errors());
        var actor = AuthenticatedCaller.Actor(context);
        await store.PutRouteRulesAsync(routes, actor, ct);
        AdminApiLog.RouteRulesReplaced(logger, actor.PrincipalId, routes.Rules.Count);
        AdminMetrics.Changed(AuditActions.RouteRulesUpdated);
        return TypedResults.Ok(ToResponse(routes, stored: true));
    }

    private static PrincipalResponse ToResponse(PrincipalRecord p) =>
        new(p.Id, p.Roles, p.Permissions, p.Disabled, p.CreatedAt, p.UpdatedAt, PlanBodies.ToBody(p.Plan));

    private static KeyResponse ToResponse(CredentialRecord c) =>
        new(c.KeyId, c.Kind, c.PrincipalId, c.Status == CredentialStatus.Active ? "active" : "revoked", c.ExpiresAt, c.CreatedAt, c.Description, c.RevokedAt);

    private static RoutePolicyResponse ToResponse(RouteRules routes, bool stored) =>
        new([.. routes.Rules.Select(r => new RouteRuleBody(r.Verb, r.Path, r.RequiredPermission, r.RequiredRole))], stored);
}

/// <summary>One log line per admin change: who, what, on which id. Never a secret, hash or request body.</summary>
public sealed partial class AdminApiLog
{
    private AdminApiLog() { }

    [LoggerMessage(EventId = LogEvents.AdminPrincipalPut, EventName = nameof(LogEvents.AdminPrincipalPut), Level = LogLevel.Information, Message = "Admin {Actor} put principal {PrincipalId} (created {Created}, disabled {Disabled}).")]
    public static partial void PrincipalPut(ILogger logger, string actor, string principalId, bool created, bool disabled);

    [LoggerMessage(EventId = LogEvents.AdminKeyCreated, EventName = nameof(LogEvents.AdminKeyCreated), Level = LogLevel.Information, Message = "Admin {Actor} created key {KeyId} ({Kind}) for principal {PrincipalId}.")]
    public static partial void KeyCreated(ILogger logger, string actor, string keyId, string kind, string principalId);

    [LoggerMessage(EventId = LogEvents.AdminKeyRevoked, EventName = nameof(LogEvents.AdminKeyRevoked), Level = LogLevel.Information, Message = "Admin {Actor} revoked key {KeyId} of principal {PrincipalId}.")]
    public static partial void KeyRevoked(ILogger logger, string actor, string keyId, string principalId);

    [LoggerMessage(EventId = LogEvents.AdminRouteRulesReplaced, EventName = nameof(LogEvents.AdminRouteRulesReplaced), Level = LogLevel.Information, Message = "Admin {Actor} replaced the route table ({RuleCount} rules).")]
    public static partial void RouteRulesReplaced(ILogger logger, string actor, int ruleCount);

    [LoggerMessage(EventId = LogEvents.AdminIssuerPut, EventName = nameof(LogEvents.AdminIssuerPut), Level = LogLevel.Information, Message = "Admin {Actor} put issuer {IssuerName} (created {Created}).")]
    public static partial void IssuerPut(ILogger logger, string actor, string issuerName, bool created);

    [LoggerMessage(EventId = LogEvents.AdminIssuerDeleted, EventName = nameof(LogEvents.AdminIssuerDeleted), Level = LogLevel.Information, Message = "Admin {Actor} deleted issuer {IssuerName}.")]
    public static partial void IssuerDeleted(ILogger logger, string actor, string issuerName);

    [LoggerMessage(EventId = LogEvents.AdminSamlIdpPut, EventName = nameof(LogEvents.AdminSamlIdpPut), Level = LogLevel.Information, Message = "Admin {Actor} put SAML IdP {IdpName} (created {Created}).")]
    public static partial void SamlIdpPut(ILogger logger, string actor, string idpName, bool created);

    [LoggerMessage(EventId = LogEvents.AdminSamlIdpDeleted, EventName = nameof(LogEvents.AdminSamlIdpDeleted), Level = LogLevel.Information, Message = "Admin {Actor} deleted SAML IdP {IdpName}.")]
    public static partial void SamlIdpDeleted(ILogger logger, string actor, string idpName);
}
