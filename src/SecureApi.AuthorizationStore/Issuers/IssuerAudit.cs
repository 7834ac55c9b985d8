namespace SecureApi.AuthorizationStore.Issuers;

/// <summary>
/// The audit records of registry changes and the store-side input rule. Details name the iss, profile, audiences
/// and where keys come from (an inline JWKS by size only: the trail stays short).
/// </summary>
internal static class IssuerAudit
{
    public static string Name(string? name) =>
        name is not null && TokenSubjects.IsIssuerName(name) ? name
        : throw new ArgumentException($"name must be 1–{TokenSubjects.MaxIssuerNameLength} characters of a-z, 0-9 and -.", nameof(name));

    public static IssuerEntry Entry(IssuerEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Name(entry.Name);
        // A private copy: the caller's lists must not change the stored entry afterwards.
        return entry with
        {
            Audiences = [.. entry.Audiences], RoleClaims = Copy(entry.RoleClaims), PermissionClaims = Copy(entry.PermissionClaims),
            TenantIds = [.. entry.TenantIds], HostedDomains = [.. entry.HostedDomains],
            StepUpAmr = Copy(entry.StepUpAmr), StepUpAcrs = Copy(entry.StepUpAcrs),
        };
    }

    private static string[]? Copy(IReadOnlyList<string>? values) => values is null ? null : [.. values];

    public static AuditRecord Put(IssuerRecord? before, IssuerRecord after, AuditActor actor) =>
        AuditEntries.New(after.UpdatedAt, actor, before is null ? AuditActions.IssuerCreated : AuditActions.IssuerUpdated, "issuer:" + after.Entry.Name,
            $"before: {(before is null ? "none" : State(before.Entry))} after: {State(after.Entry)}", null);

    public static AuditRecord Deleted(IssuerRecord before, DateTimeOffset at, AuditActor actor) =>
        AuditEntries.New(at, actor, AuditActions.IssuerDeleted, "issuer:" + before.Entry.Name, $"before: {State(before.Entry)}", null);

    private static string State(IssuerEntry e) =>
        $"iss={e.Issuer ?? "-"} profile={e.Profile} audiences=[{string.Join(',', e.Audiences)}] tenants=[{string.Join(',', e.TenantIds)}] keys={Keys(e)}";

    private static string Keys(IssuerEntry e) =>
        e.MetadataAddress is { } m ? "metadata:" + m
        : e.JwksUri is { } u ? "jwksUri:" + u
        : e.Jwks is { } j ? $"jwks({j.Length} chars)"
        : "none";
}
