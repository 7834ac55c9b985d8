namespace SecureApi.AuthorizationStore;

/// <summary>
/// Builds the audit record of each change, the same for every implementation. Details name ids, kinds, roles and
/// permissions — never a hash or secret (a hash of a weak key could be brute-forced from the audit trail).
/// </summary>
internal static class AuditEntries
{
    public static AuditRecord PrincipalPut(PrincipalRecord p, bool created, string actor) =>
        New(p.UpdatedAt, actor, created ? AuditActions.PrincipalCreated : AuditActions.PrincipalUpdated, "principal:" + p.Id,
            $"roles=[{string.Join(',', p.Roles)}] permissions=[{string.Join(',', p.Permissions)}] disabled={(p.Disabled ? "true" : "false")}");

    public static AuditRecord CredentialCreated(CredentialRecord c, string actor) =>
        New(c.CreatedAt, actor, AuditActions.CredentialCreated, "credential:" + c.KeyId,
            $"kind={c.Kind} principal={c.PrincipalId} expires={(c.ExpiresAt is { } e ? e.ToString("O") : "never")}");

    public static AuditRecord CredentialRevoked(CredentialRecord c, string actor) =>
        New(c.RevokedAt!.Value, actor, AuditActions.CredentialRevoked, "credential:" + c.KeyId, $"kind={c.Kind} principal={c.PrincipalId}");

    public static AuditRecord RouteRulesPut(RouteRules routes, DateTimeOffset at, string actor) =>
        New(at, actor, AuditActions.RouteRulesUpdated, "route-policy", $"rules={routes.Rules.Count}");

    public static string Actor(string? actor) => StoreInput.Id(actor, "actor");

    private static AuditRecord New(DateTimeOffset at, string actor, string action, string subject, string detail) =>
        new(Guid.NewGuid().ToString("N"), at, actor, action, subject, detail);
}
