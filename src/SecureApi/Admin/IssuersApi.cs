using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Issuers;
using SecureApi.StepUp;

namespace SecureApi.Admin;

/// <summary>
/// /protected/admin/issuers (role admin, in the admin group): the run-time issuer registry the TOKEN authorizer
/// merges with its configured issuers (docs/identity-providers.md#run-time-registry, docs/admin-api.md#issuers).
/// An entry is checked by the same rules as a configured one (<see cref="IssuerRules"/>), then written with its
/// audit record in one store transaction. Writes need step-up.
/// </summary>
public static class IssuersApi
{
    public static void MapIssuersApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/issuers", ListIssuers).WithName("ListIssuers")
            .WithSummary("The issuers stored at run time (configured issuers are not listed).");
        admin.MapGet("/issuers/{name}", GetIssuer).WithName("GetIssuer")
            .WithSummary("One stored issuer.");
        admin.MapPut("/issuers/{name}", PutIssuer).WithName("PutIssuer").RequireStepUp()
            .WithSummary("Creates (201) or replaces (200) a stored issuer.");
        admin.MapDelete("/issuers/{name}", DeleteIssuer).WithName("DeleteIssuer").RequireStepUp()
            .WithSummary("Removes a stored issuer; its tokens are refused within AuthorizationStore__CacheSeconds.");
    }

    public static async Task<Ok<IssuerListResponse>> ListIssuers(IIssuerStore store, CancellationToken ct) =>
        TypedResults.Ok(new IssuerListResponse([.. (await store.ListIssuersAsync(ct)).Select(ToResponse)]));

    public static async Task<Results<Ok<IssuerResponse>, NotFound, ValidationProblem>> GetIssuer(string name, IIssuerStore store, CancellationToken ct)
    {
        if (AdminValidation.RegistryNameProblem(name) is { } problem) return problem;
        return await store.GetIssuerAsync(name, ct) is { } issuer ? TypedResults.Ok(ToResponse(issuer)) : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<IssuerResponse>, Created<IssuerResponse>, ValidationProblem>> PutIssuer(
        string name, IssuerBody body, HttpContext context, IIssuerStore store, IConfiguration configuration,
        ILogger<AdminApiLog> logger, CancellationToken ct)
    {
        var input = new AdminValidation();
        var entry = ToEntry(name, body, input);
        var requireHttps = configuration.GetValue("TokenAuthorizer:RequireHttpsMetadata", true);
        foreach (var problem in IssuerRules.Validate(entry, null, CamelCase, requireHttps)) input.Add(problem.Field, problem.Message);
        if (!input.IsValid) return TypedResults.ValidationProblem(input.Errors());

        var actor = AuthenticatedCaller.Actor(context);
        var result = await store.PutIssuerAsync(entry, actor, ct);
        AdminApiLog.IssuerPut(logger, actor.PrincipalId, name, result.Created);
        AdminMetrics.Changed(result.Created ? AuditActions.IssuerCreated : AuditActions.IssuerUpdated);
        var response = ToResponse(result.Issuer);
        return result.Created ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem>> DeleteIssuer(
        string name, HttpContext context, IIssuerStore store, ILogger<AdminApiLog> logger, CancellationToken ct)
    {
        if (AdminValidation.RegistryNameProblem(name) is { } problem) return problem;
        var actor = AuthenticatedCaller.Actor(context);
        if (!await store.DeleteIssuerAsync(name, actor, ct)) return TypedResults.NotFound();
        AdminApiLog.IssuerDeleted(logger, actor.PrincipalId, name);
        AdminMetrics.Changed(AuditActions.IssuerDeleted);
        return TypedResults.NoContent();
    }

    /// <summary>"JwksUri" → "jwksUri": the body's field names are the settings' in camelCase.</summary>
    private static string CamelCase(string field) => char.ToLowerInvariant(field[0]) + field[1..];

    private static IssuerEntry ToEntry(string name, IssuerBody body, AdminValidation input)
    {
        input.BodyName(body.Name, name);
        if (body.SymmetricKey is not null)
            input.Add("symmetricKey", "symmetricKey is accepted only by the single-issuer settings (TokenAuthorizer__SymmetricKey); use jwksUri, jwks or metadataAddress.");
        return new IssuerEntry
        {
            Name = name, Issuer = body.Issuer, Audiences = List(body.Audiences, "audiences") ?? [], AudienceClaim = body.AudienceClaim,
            RequiredTokenType = body.RequiredTokenType, RequiredTokenUse = body.RequiredTokenUse, MetadataAddress = body.MetadataAddress,
            JwksUri = body.JwksUri, Jwks = body.Jwks, Profile = body.Profile ?? IssuerProfileNames.Generic,
            RoleClaims = List(body.RoleClaims, "roleClaims"), PermissionClaims = List(body.PermissionClaims, "permissionClaims"),
            TenantIds = List(body.TenantIds, "tenantIds") ?? [], HostedDomains = List(body.HostedDomains, "hostedDomains") ?? [],
            StepUpAmr = List(body.StepUpAmr, "stepUpAmr"), StepUpAcrs = List(body.StepUpAcrs, "stepUpAcrs"),
        };

        string[]? List(IReadOnlyList<string?>? values, string field) => input.Strings(values, field);
    }

    private static IssuerResponse ToResponse(IssuerRecord r)
    {
        var e = r.Entry;
        return new(e.Name, e.Issuer, e.Audiences, e.AudienceClaim, e.RequiredTokenType, e.RequiredTokenUse, e.MetadataAddress, e.JwksUri, e.Jwks,
            e.Profile, e.RoleClaims, e.PermissionClaims, e.TenantIds, e.HostedDomains, e.StepUpAmr, e.StepUpAcrs, r.CreatedAt, r.UpdatedAt);
    }
}

/// <summary>PUT /protected/admin/issuers/{name}: the TokenAuthorizer__Issuers__N__… fields in camelCase (name optional: the path's).</summary>
public sealed record IssuerBody(
    string? Name, string? Issuer, IReadOnlyList<string?>? Audiences, string? AudienceClaim, string? RequiredTokenType, string? RequiredTokenUse,
    string? MetadataAddress, string? JwksUri, string? Jwks, string? Profile, IReadOnlyList<string?>? RoleClaims, IReadOnlyList<string?>? PermissionClaims,
    IReadOnlyList<string?>? TenantIds, IReadOnlyList<string?>? HostedDomains, IReadOnlyList<string?>? StepUpAmr, IReadOnlyList<string?>? StepUpAcrs,
    string? SymmetricKey = null);

public sealed record IssuerResponse(
    string Name, string? Issuer, IReadOnlyList<string> Audiences, string? AudienceClaim, string? RequiredTokenType, string? RequiredTokenUse,
    string? MetadataAddress, string? JwksUri, string? Jwks, string Profile, IReadOnlyList<string>? RoleClaims, IReadOnlyList<string>? PermissionClaims,
    IReadOnlyList<string> TenantIds, IReadOnlyList<string> HostedDomains, IReadOnlyList<string>? StepUpAmr, IReadOnlyList<string>? StepUpAcrs,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record IssuerListResponse(IReadOnlyList<IssuerResponse> Issuers);
