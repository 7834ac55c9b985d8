using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.AuthorizationStore;

namespace SecureApi.Admin;

/// <summary>
/// GET /protected/admin/audit?principalId=…&amp;limit=… (role admin, in the admin group): the audit records concerning
/// one principal — its record, keys and MFA enrollment — newest first, with who made each change. One Query of the
/// principal's audit partition; no Scan. See docs/admin-api.md#audit.
/// </summary>
public static class AuditApi
{
    public const int DefaultLimit = 50;

    public static void MapAuditApi(this RouteGroupBuilder admin) =>
        admin.MapGet("/audit", ListAudit).WithName("ListAuditRecords")
            .WithSummary("The audit records concerning one principal, newest first, with who made each change.");

    public static async Task<Results<Ok<AuditListResponse>, ValidationProblem>> ListAudit(
        string? principalId, string? limit, IAuthorizationStore store, CancellationToken ct)
    {
        var input = new AdminValidation();
        input.Id(principalId, "principalId");
        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > 1000))
            input.Add("limit", "limit must be a whole number 1-1000.");
        if (!input.IsValid) return TypedResults.ValidationProblem(input.Errors());

        var records = await store.ListAuditRecordsOfPrincipalAsync(principalId!, count, ct);
        return TypedResults.Ok(new AuditListResponse(principalId!, [.. records.Select(ToResponse)]));
    }

    private static AuditRecordResponse ToResponse(AuditRecord r) => new(r.Id, r.At, r.Action, r.Subject, r.Detail,
        r.Caller is { } c ? new AuditActorResponse(c.PrincipalId, c.AuthType, c.KeyId, c.Issuer, c.SourceIp, c.RequestId) : new AuditActorResponse(r.Actor));
}

public sealed record AuditListResponse(string PrincipalId, IReadOnlyList<AuditRecordResponse> Records);

/// <summary>One change: what (action on subject, secret-free detail), when, and who.</summary>
public sealed record AuditRecordResponse(string Id, DateTimeOffset At, string Action, string Subject, string Detail, AuditActorResponse Actor);

/// <summary>Who made a change: never a secret (no key, header value or token).</summary>
public sealed record AuditActorResponse(string PrincipalId, string? AuthType = null, string? KeyId = null, string? Issuer = null,
    string? SourceIp = null, string? RequestId = null);
