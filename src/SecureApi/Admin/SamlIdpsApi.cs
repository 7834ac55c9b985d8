using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.Auth;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizationStore.Saml;
using SecureApi.StepUp;

namespace SecureApi.Admin;

/// <summary>
/// /protected/admin/saml-idps (role admin, in the admin group): the run-time SAML IdP registry the token service
/// merges with its configured IdPs (docs/saml.md#run-time-registry, docs/admin-api.md#saml-identity-providers). An
/// entry is checked by <see cref="SamlIdpRules"/> (certificates readable, unexpired, RSA-2048 or stronger; one key
/// source), then written with its audit record in one store transaction. Writes need step-up. GET shows the pinned
/// certificates by thumbprint and expiry, not as PEM.
/// </summary>
public static class SamlIdpsApi
{
    public static void MapSamlIdpsApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/saml-idps", ListSamlIdps).WithName("ListSamlIdps")
            .WithSummary("The SAML IdPs stored at run time (configured IdPs are not listed).");
        admin.MapGet("/saml-idps/{name}", GetSamlIdp).WithName("GetSamlIdp")
            .WithSummary("One stored SAML IdP, its certificates by SHA-256 thumbprint and expiry.");
        admin.MapPut("/saml-idps/{name}", PutSamlIdp).WithName("PutSamlIdp").RequireStepUp()
            .WithSummary("Creates (201) or replaces (200) a stored SAML IdP.");
        admin.MapDelete("/saml-idps/{name}", DeleteSamlIdp).WithName("DeleteSamlIdp").RequireStepUp()
            .WithSummary("Removes a stored SAML IdP; its assertions are refused within AuthorizationStore__CacheSeconds.");
    }

    public static async Task<Ok<SamlIdpListResponse>> ListSamlIdps(ISamlIdpStore store, CancellationToken ct) =>
        TypedResults.Ok(new SamlIdpListResponse([.. (await store.ListIdpsAsync(ct)).Select(ToResponse)]));

    public static async Task<Results<Ok<SamlIdpResponse>, NotFound, ValidationProblem>> GetSamlIdp(string name, ISamlIdpStore store, CancellationToken ct)
    {
        if (AdminValidation.RegistryNameProblem(name) is { } problem) return problem;
        return await store.GetIdpAsync(name, ct) is { } idp ? TypedResults.Ok(ToResponse(idp)) : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<SamlIdpResponse>, Created<SamlIdpResponse>, ValidationProblem>> PutSamlIdp(
        string name, SamlIdpBody body, HttpContext context, ISamlIdpStore store, TimeProvider time, ILogger<AdminApiLog> logger, CancellationToken ct)
    {
        var input = new AdminValidation();
        var entry = ToEntry(name, body, input);
        foreach (var (field, message) in SamlIdpRules.Validate(entry, time.GetUtcNow())) input.Add(field, message);
        if (input.IsValid && entry.EntityId is { } entityId
            && (await store.ListIdpsAsync(ct)).FirstOrDefault(i => i.Entry.Name != name && i.Entry.EntityId == entityId) is { } other)
            input.Add("entityId", $"entityId is already stored IdP '{other.Entry.Name}''s: one entry per IdP.");
        if (!input.IsValid) return TypedResults.ValidationProblem(input.Errors());

        var actor = AuthenticatedCaller.Actor(context);
        var result = await store.PutIdpAsync(entry, actor, ct);
        AdminApiLog.SamlIdpPut(logger, actor.PrincipalId, name, result.Created);
        AdminMetrics.Changed(result.Created ? AuditActions.SamlIdpCreated : AuditActions.SamlIdpUpdated);
        var response = ToResponse(result.Idp);
        return result.Created ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem>> DeleteSamlIdp(
        string name, HttpContext context, ISamlIdpStore store, ILogger<AdminApiLog> logger, CancellationToken ct)
    {
        if (AdminValidation.RegistryNameProblem(name) is { } problem) return problem;
        var actor = AuthenticatedCaller.Actor(context);
        if (!await store.DeleteIdpAsync(name, actor, ct)) return TypedResults.NotFound();
        AdminApiLog.SamlIdpDeleted(logger, actor.PrincipalId, name);
        AdminMetrics.Changed(AuditActions.SamlIdpDeleted);
        return TypedResults.NoContent();
    }

    private static SamlIdpEntry ToEntry(string name, SamlIdpBody body, AdminValidation input)
    {
        input.BodyName(body.Name, name);
        var roleMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (value, role) in body.RoleMap ?? new Dictionary<string, string?>())
        {
            if (input.Name(role, $"roleMap[{value}]", required: true) is { } mapped) roleMap[value] = mapped;
        }
        return new SamlIdpEntry
        {
            Name = name, EntityId = body.EntityId, SigningCertificates = input.Strings(body.SigningCertificates, "signingCertificates") ?? [],
            MetadataXml = body.MetadataXml, RoleAttribute = body.RoleAttribute, PermissionAttribute = body.PermissionAttribute, RoleMap = roleMap,
        };
    }

    private static SamlIdpResponse ToResponse(SamlIdpRecord r)
    {
        var e = r.Entry;
        return new(e.Name, e.EntityId, e.MetadataXml is null ? "signingCertificates" : "metadataXml", SamlIdpCertificates.Describe(e),
            e.RoleAttribute, e.PermissionAttribute, e.RoleMap, r.CreatedAt, r.UpdatedAt);
    }
}

/// <summary>PUT /protected/admin/saml-idps/{name}: the Saml__IdentityProviders__N__… fields in camelCase (name optional: the path's).</summary>
public sealed record SamlIdpBody(
    string? Name, string? EntityId, IReadOnlyList<string?>? SigningCertificates, string? MetadataXml, string? RoleAttribute,
    string? PermissionAttribute, IReadOnlyDictionary<string, string?>? RoleMap);

/// <param name="KeySource">"signingCertificates" or "metadataXml": where the pinned certificates come from.</param>
public sealed record SamlIdpResponse(
    string Name, string? EntityId, string KeySource, IReadOnlyList<CertificateSummary> Certificates, string? RoleAttribute,
    string? PermissionAttribute, IReadOnlyDictionary<string, string> RoleMap, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record SamlIdpListResponse(IReadOnlyList<SamlIdpResponse> SamlIdps);
