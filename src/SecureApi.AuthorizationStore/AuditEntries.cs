using SecureApi.AuthorizationStore.RateLimits;

namespace SecureApi.AuthorizationStore;

/// <summary>
/// Builds the audit record of each change, the same for every implementation. Details name ids, kinds, roles and
/// permissions — never a hash or secret (a hash of a weak key could be brute-forced from the audit trail).
/// </summary>
internal static class AuditEntries
{
    /// <summary>"before: … after: …" with roles, permissions, disabled and plan on each side ("before: none" on create).</summary>
    public static AuditRecord PrincipalPut(PrincipalRecord? before, PrincipalRecord after, AuditActor actor) =>
        New(after.UpdatedAt, actor, before is null ? AuditActions.PrincipalCreated : AuditActions.PrincipalUpdated, "principal:" + after.Id,
            $"before: {(before is null ? "none" : State(before))} after: {State(after)}", after.Id);

    public static AuditRecord CredentialCreated(CredentialRecord c, AuditActor actor) =>
        New(c.CreatedAt, actor, AuditActions.CredentialCreated, "credential:" + c.KeyId,
            $"kind={c.Kind} principal={c.PrincipalId} expires={(c.ExpiresAt is { } e ? e.ToString("O") : "never")}", c.PrincipalId);

    public static AuditRecord CredentialRevoked(CredentialRecord c, AuditActor actor) =>
        New(c.RevokedAt!.Value, actor, AuditActions.CredentialRevoked, "credential:" + c.KeyId, $"kind={c.Kind} principal={c.PrincipalId}", c.PrincipalId);

    public static AuditRecord RouteRulesPut(RouteRules routes, DateTimeOffset at, AuditActor actor) =>
        New(at, actor, AuditActions.RouteRulesUpdated, "route-policy", $"rules={routes.Rules.Count}", null);

    private static string State(PrincipalRecord p) =>
        $"roles=[{string.Join(',', p.Roles)}] permissions=[{string.Join(',', p.Permissions)}] disabled={(p.Disabled ? "true" : "false")} plan={PlanText(p.Plan)}";

    /// <summary>The principal's own plan fields, e.g. "{rate=10 burst=20 quota=5000/month routes=[GET /protected rate=1]}"; "default" when none.</summary>
    internal static string PlanText(RatePlanOverride? plan)
    {
        if (plan is null || plan.IsEmpty) return "default";
        var parts = new List<string>();
        if (plan.RatePerSecond is { } rate) parts.Add($"rate={rate}");
        if (plan.Burst is { } burst) parts.Add($"burst={burst}");
        if (plan.Quota is { } quota) parts.Add($"quota={quota}");
        if (plan.Period is { } period) parts.Add($"period={RatePlan.PeriodText(period)}");
        if (plan.Routes is { } routes)
            parts.Add("routes=[" + string.Join(';', routes.Select(r =>
                $"{r.Verb} {r.Path}{(r.RatePerSecond is { } rr ? $" rate={rr}" : "")}{(r.Burst is { } rb ? $" burst={rb}" : "")}{(r.Quota is { } rq ? $" quota={rq}" : "")}")) + "]");
        return "{" + string.Join(' ', parts) + "}";
    }

    /// <summary>The actor with its principal id checked; optional fields over 256 characters are cut (they come from request context).</summary>
    public static AuditActor Actor(AuditActor? actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        StoreInput.Id(actor.PrincipalId, "actor");
        return actor with
        {
            AuthType = Cut(actor.AuthType), KeyId = Cut(actor.KeyId), Issuer = Cut(actor.Issuer),
            SourceIp = Cut(actor.SourceIp), RequestId = Cut(actor.RequestId),
        };
    }

    private static string? Cut(string? value) => value is { Length: > 256 } ? value[..256] : value;

    internal static AuditRecord New(DateTimeOffset at, AuditActor actor, string action, string subject, string detail, string? principalId) =>
        new(Guid.NewGuid().ToString("N"), at, actor.PrincipalId, action, subject, detail, principalId, actor);
}
