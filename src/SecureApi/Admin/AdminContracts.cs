namespace SecureApi.Admin;

// Bodies of the admin API (/protected/admin/...). Requests take nullable members so a missing field is a 400 that
// names it, not a binding failure; responses never carry a secret hash.

/// <summary>PUT /protected/admin/principals/{principalId}: the whole principal (roles and permissions replace the stored ones).</summary>
/// <remarks>Plan: optional rate-limit plan; each absent field takes the default plan's value (PlanBodies). A body
/// without "plan" keeps the stored plan; "plan": null removes it (<see cref="PlanGiven"/> tells the two apart).</remarks>
public sealed record PrincipalBody(IReadOnlyList<string?>? Roles, IReadOnlyList<string?>? Permissions, bool? Disabled)
{
    // The JSON reader calls this setter only when the body names "plan" (null included). A plain setter, not init:
    // the source-generated reader passes init-only members to the constructor call, present or not.
    public PlanBody? Plan
    {
        get;
        set
        {
            field = value;
            PlanGiven = true;
        }
    }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool PlanGiven { get; private set; }
}

/// <remarks>Plan: the principal's own plan fields (null: the default plan).</remarks>
public sealed record PrincipalResponse(
    string PrincipalId, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions, bool Disabled,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, PlanBody? Plan = null);

/// <summary>POST /protected/admin/principals/{principalId}/keys. ExpiresAt is ISO 8601 text, checked by the handler.</summary>
public sealed record NewKeyBody(string? Kind, string? ExpiresAt, string? Description);

/// <summary>The one answer that shows the secret; only its SHA-256 is stored.</summary>
public sealed record CreatedKeyResponse(string KeyId, string Secret, string Kind, string PrincipalId, DateTimeOffset? ExpiresAt);

/// <summary>A key as listed: no secret, no hash.</summary>
public sealed record KeyResponse(
    string KeyId, string Kind, string PrincipalId, string Status, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt,
    string? Description, DateTimeOffset? RevokedAt);

public sealed record KeyListResponse(string PrincipalId, IReadOnlyList<KeyResponse> Keys);

/// <summary>One rule of the route table, as PUT takes it and GET returns it.</summary>
public sealed record RouteRuleBody(string? Verb, string? Path, string? RequiredPermission, string? RequiredRole);

// RoutePolicyBody / RoutePolicyResponse keep their names: they are the OpenAPI schema names of the route table's bodies.

/// <summary>PUT /protected/admin/routes: the whole table.</summary>
public sealed record RoutePolicyBody(IReadOnlyList<RouteRuleBody?>? Routes);

/// <summary>The table in force; Stored is false while the built-in default (RouteRules.Default) applies.</summary>
public sealed record RoutePolicyResponse(IReadOnlyList<RouteRuleBody> Routes, bool Stored);
