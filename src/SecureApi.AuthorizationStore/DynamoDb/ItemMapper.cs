using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace SecureApi.AuthorizationStore.DynamoDb;

/// <summary>Hand-written item ⇄ record mapping: no reflection, so Native AOT and trimming stay warning-free.</summary>
internal static class ItemMapper
{
    private const string Type = "type";

    public static Dictionary<string, AttributeValue> Key(string pk, string sk) => new()
    {
        [TableKeys.PartitionKey] = S(pk),
        [TableKeys.SortKey] = S(sk),
    };

    public static Dictionary<string, AttributeValue> Principal(PrincipalRecord p)
    {
        var item = Key(TableKeys.Principal(p.Id), TableKeys.PrincipalProfileSortKey);
        item[Type] = S("principal");
        item["id"] = S(p.Id);
        item["roles"] = List(p.Roles);
        item["permissions"] = List(p.Permissions);
        item["disabled"] = new AttributeValue { BOOL = p.Disabled };
        item["createdAt"] = Time(p.CreatedAt);
        item["updatedAt"] = Time(p.UpdatedAt);
        if (p.Plan is { IsEmpty: false } plan) item["plan"] = Plan(plan);
        return item;
    }

    public static PrincipalRecord ToPrincipal(Dictionary<string, AttributeValue> item) => new(
        Str(item, "id"), Strings(item, "roles"), Strings(item, "permissions"),
        item.TryGetValue("disabled", out var d) && d.BOOL == true,
        ReadTime(item, "createdAt"), ReadTime(item, "updatedAt"),
        item.TryGetValue("plan", out var plan) ? ToPlan(plan) : null);

    /// <summary>A principal's plan: a map holding only the fields it sets (absent = the default plan's value).</summary>
    private static AttributeValue Plan(RateLimits.RatePlanOverride plan)
    {
        var m = new Dictionary<string, AttributeValue>();
        if (plan.RatePerSecond is { } rate) m["ratePerSecond"] = N(rate);
        if (plan.Burst is { } burst) m["burst"] = N(burst);
        if (plan.Quota is { } quota) m["quota"] = N(quota);
        if (plan.Period is { } period) m["quotaPeriod"] = S(RateLimits.RatePlan.PeriodText(period));
        if (plan.Routes is { } routes) m["routes"] = new AttributeValue { L = [.. routes.Select(RouteLimit)] };
        return new AttributeValue { M = m };
    }

    private static AttributeValue RouteLimit(RateLimits.RouteLimit route)
    {
        var m = new Dictionary<string, AttributeValue> { ["verb"] = S(route.Verb), ["path"] = S(route.Path) };
        if (route.RatePerSecond is { } rate) m["ratePerSecond"] = N(rate);
        if (route.Burst is { } burst) m["burst"] = N(burst);
        if (route.Quota is { } quota) m["quota"] = N(quota);
        return new AttributeValue { M = m };
    }

    private static RateLimits.RouteLimit ToRouteLimit(AttributeValue value)
    {
        var m = value.M ?? throw new InvalidDataException("Stored route limit is not a map.");
        return new RateLimits.RouteLimit(
            m.TryGetValue("verb", out var v) && v.S is { } verb ? verb : throw new InvalidDataException("Stored route limit has no verb."),
            m.TryGetValue("path", out var p) && p.S is { } path ? path : throw new InvalidDataException("Stored route limit has no path."),
            m.TryGetValue("ratePerSecond", out var r) ? checked((int)Long(r)) : null,
            m.TryGetValue("burst", out var b) ? checked((int)Long(b)) : null,
            m.TryGetValue("quota", out var q) ? Long(q) : null);
    }

    private static RateLimits.RatePlanOverride ToPlan(AttributeValue value)
    {
        var m = value.M ?? throw new InvalidDataException("Stored plan is not a map.");
        return new RateLimits.RatePlanOverride(
            m.TryGetValue("ratePerSecond", out var r) ? checked((int)Long(r)) : null,
            m.TryGetValue("burst", out var b) ? checked((int)Long(b)) : null,
            m.TryGetValue("quota", out var q) ? Long(q) : null,
            m.TryGetValue("quotaPeriod", out var p)
                ? RateLimits.RatePlan.ParsePeriod(p.S) ?? throw new InvalidDataException("Stored plan has an unknown quotaPeriod.")
                : null,
            m.TryGetValue("routes", out var routes) ? [.. (routes.L ?? []).Select(ToRouteLimit)] : null);
    }

    private static long Long(AttributeValue v) =>
        v.N is { } n ? long.Parse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : throw new InvalidDataException("Stored plan field is not a number.");

    /// <summary>The same attributes under one of the credential's three keys (by key id, by hash, in its principal).</summary>
    public static Dictionary<string, AttributeValue> Credential(CredentialRecord c, string pk, string sk)
    {
        var item = Key(pk, sk);
        item[Type] = S("credential");
        item["keyId"] = S(c.KeyId);
        item["kind"] = S(c.Kind);
        item["principalId"] = S(c.PrincipalId);
        item["sha256"] = S(c.Sha256);
        item["status"] = S(StatusText(c.Status));
        item["createdAt"] = Time(c.CreatedAt);
        if (c.ExpiresAt is { } expiry)
        {
            item["expiresAt"] = Time(expiry);
            item[TableKeys.TimeToLive] = N(EpochSecondsRoundedUp(expiry));
        }
        if (c.Description is not null) item["description"] = S(c.Description);
        if (c.RevokedAt is { } revoked) item["revokedAt"] = Time(revoked);
        return item;
    }

    public static CredentialRecord ToCredential(Dictionary<string, AttributeValue> item) => new(
        Str(item, "keyId"), Str(item, "kind"), Str(item, "principalId"), Str(item, "sha256"),
        Str(item, "status") == StatusText(CredentialStatus.Active) ? CredentialStatus.Active : CredentialStatus.Revoked,
        OptionalTime(item, "expiresAt"), ReadTime(item, "createdAt"),
        item.TryGetValue("description", out var d) ? d.S : null,
        OptionalTime(item, "revokedAt"));

    public static string StatusText(CredentialStatus status) => status == CredentialStatus.Active ? "active" : "revoked";

    public static Dictionary<string, AttributeValue> RouteRulesItem(RouteRules routes, DateTimeOffset updatedAt)
    {
        var item = Key(TableKeys.RouteRulesKey, TableKeys.RouteRulesKey);
        item[Type] = S("route-policy");
        item["updatedAt"] = Time(updatedAt);
        var rules = new List<AttributeValue>(routes.Rules.Count);
        foreach (var r in routes.Rules)
        {
            var m = new Dictionary<string, AttributeValue> { ["verb"] = S(r.Verb), ["path"] = S(r.Path) };
            if (r.RequiredPermission is not null) m["permission"] = S(r.RequiredPermission);
            if (r.RequiredRole is not null) m["role"] = S(r.RequiredRole);
            rules.Add(new AttributeValue { M = m });
        }
        item["rules"] = new AttributeValue { L = rules };
        return item;
    }

    public static RouteRules ToRouteRules(Dictionary<string, AttributeValue> item)
    {
        var rules = new List<RouteRule>();
        if (item.TryGetValue("rules", out var list) && list.L is not null)
        {
            foreach (var entry in list.L)
            {
                var m = entry.M ?? [];
                rules.Add(new RouteRule(Str(m, "verb"), Str(m, "path"),
                    m.TryGetValue("permission", out var p) ? p.S : null,
                    m.TryGetValue("role", out var r) ? r.S : null));
            }
        }
        return new RouteRules(rules);
    }

    public static Dictionary<string, AttributeValue> Audit(AuditRecord a, string partition)
    {
        var item = Key(partition, TableKeys.AuditEntry(a.At, a.Id));
        item[Type] = S("audit");
        item["id"] = S(a.Id);
        item["at"] = Time(a.At);
        item["actor"] = S(a.Actor);
        item["action"] = S(a.Action);
        item["subject"] = S(a.Subject);
        item["detail"] = S(a.Detail);
        if (a.PrincipalId is not null) item["principalId"] = S(a.PrincipalId);
        if (a.Caller is { } c)
        {
            var m = new Dictionary<string, AttributeValue> { ["principalId"] = S(c.PrincipalId) };
            if (c.AuthType is not null) m["authType"] = S(c.AuthType);
            if (c.KeyId is not null) m["keyId"] = S(c.KeyId);
            if (c.Issuer is not null) m["issuer"] = S(c.Issuer);
            if (c.SourceIp is not null) m["sourceIp"] = S(c.SourceIp);
            if (c.RequestId is not null) m["requestId"] = S(c.RequestId);
            item["caller"] = new AttributeValue { M = m };
        }
        return item;
    }

    public static AuditRecord ToAudit(Dictionary<string, AttributeValue> item) => new(
        Str(item, "id"), ReadTime(item, "at"), Str(item, "actor"), Str(item, "action"), Str(item, "subject"), Str(item, "detail"),
        item.TryGetValue("principalId", out var p) ? p.S : null,
        item.TryGetValue("caller", out var c) && c.M is { Count: > 0 } m
            ? new AuditActor(Str(m, "principalId"), Opt(m, "authType"), Opt(m, "keyId"), Opt(m, "issuer"), Opt(m, "sourceIp"), Opt(m, "requestId"))
            : null);

    private static string? Opt(Dictionary<string, AttributeValue> m, string name) => m.TryGetValue(name, out var v) ? v.S : null;

    public static AttributeValue S(string value) => new() { S = value };
    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
    public static AttributeValue Time(DateTimeOffset value) => S(value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));

    /// <summary>Rounded up, so TTL never deletes an item before its expiry (lookups refuse it from the expiry on).</summary>
    internal static long EpochSecondsRoundedUp(DateTimeOffset t) =>
        (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;

    private static AttributeValue List(IReadOnlyList<string> values)
    {
        var list = new List<AttributeValue>(values.Count);
        foreach (var v in values) list.Add(S(v));
        return new AttributeValue { L = list };
    }

    private static string Str(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.S is not null ? v.S
        : throw new InvalidDataException($"Stored item lacks the string attribute '{name}'.");

    private static string[] Strings(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.L is not null ? v.L.Where(x => x.S is not null).Select(x => x.S).ToArray() : [];

    private static DateTimeOffset ReadTime(Dictionary<string, AttributeValue> item, string name) =>
        DateTimeOffset.Parse(Str(item, name), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static DateTimeOffset? OptionalTime(Dictionary<string, AttributeValue> item, string name) =>
        item.ContainsKey(name) ? ReadTime(item, name) : null;
}
