using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using SecureApi.AuthorizationStore.Issuers;

namespace SecureApi.Authorizers;

/// <summary>
/// How each kind of identity provider shapes its tokens: where roles and permissions are, which audience claim and
/// token_use it needs, and its own checks (docs/identity-providers.md, "Profiles"). RoleClaims and PermissionClaims
/// of an issuer replace the profile's claim lists; the profile's checks always apply.
/// </summary>
internal sealed record IssuerProfile(string Name, string[] RoleClaims, string[] PermissionClaims, string AudienceClaim, string? RequiredTokenUse);

internal static class IssuerProfiles
{
    public const string Generic = IssuerProfileNames.Generic;
    public const string Entra = IssuerProfileNames.Entra;
    public const string Okta = IssuerProfileNames.Okta;
    public const string Auth0 = IssuerProfileNames.Auth0;
    public const string Cognito = IssuerProfileNames.Cognito;
    public const string Keycloak = IssuerProfileNames.Keycloak;
    public const string Google = IssuerProfileNames.Google;

    private static readonly IssuerProfile[] All =
    [
        new(Generic, ["role", "roles", "cognito:groups"], ["scope", "scp", "permissions"], "aud", null),
        new(Entra, ["roles"], ["scp"], "aud", null),
        new(Okta, ["groups"], ["scp"], "aud", null),
        new(Auth0, [], ["permissions"], "aud", null),               // roles only from a namespaced claim in RoleClaims
        new(Cognito, ["cognito:groups"], ["scope"], "client_id", "access"),
        new(Keycloak, [], ["scope"], "aud", null),                   // roles: realm_access / resource_access (below)
        new(Google, [], [], "aud", null),                            // no roles unless mapped
    ];

    public static IEnumerable<string> Names => All.Select(p => p.Name);

    public static IssuerProfile? Find(string? name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// The profile's own checks of a validated token, then its roles and permissions; a reason code when refused.
    /// <paramref name="tenantId"/> is the tenant of the entra issuer form the token's iss matched.
    /// </summary>
    public static string? Map(JsonWebToken token, TrustedIssuer issuer, string? tenantId, out List<string> roles, out List<string> permissions)
    {
        roles = [];
        permissions = [];
        var profile = issuer.Profile.Name;
        switch (profile)
        {
            case Entra when tenantId is null || !string.Equals(TokenClaims.String(token, "tid"), tenantId, StringComparison.Ordinal):
                return ReasonCodes.WrongTenant;
            case Google when !TokenClaims.IsTrue(token, "email_verified"):
                return ReasonCodes.EmailNotVerified;
            case Google when issuer.Options.HostedDomains.Count > 0
                             && !issuer.Options.HostedDomains.Contains(TokenClaims.String(token, "hd") ?? "", StringComparer.Ordinal):
                return ReasonCodes.WrongHostedDomain;
        }

        permissions = TokenClaims.Values(token, issuer.PermissionClaims, firstOnly: false);
        if (profile == Keycloak && issuer.Options.RoleClaims is null) roles = KeycloakRoles(token, issuer.Options.Audiences);
        else if (profile == Entra && GroupsOverage(token))
            // The token names its groups elsewhere (_claim_names / hasgroups): it never gains a group-derived role.
            roles = TokenClaims.Values(token, [.. issuer.RoleClaims.Where(c => c != "groups")], firstOnly: true);
        else roles = TokenClaims.Values(token, issuer.RoleClaims, firstOnly: true);
        return null;
    }

    /// <summary>Entra's groups overage: the v2 "_claim_names" naming groups, or the v1 implicit-flow "hasgroups".</summary>
    private static bool GroupsOverage(JsonWebToken token) =>
        TokenClaims.IsTrue(token, "hasgroups")
        || (TokenClaims.Object(token, "_claim_names") is { ValueKind: JsonValueKind.Object } names && names.TryGetProperty("groups", out _));

    /// <summary>realm_access.roles and resource_access.&lt;audience&gt;.roles for this issuer's own audiences only.</summary>
    private static List<string> KeycloakRoles(JsonWebToken token, IReadOnlyList<string> audiences)
    {
        var roles = new List<string>();
        if (TokenClaims.Object(token, "realm_access") is { ValueKind: JsonValueKind.Object } realm && realm.TryGetProperty("roles", out var realmRoles))
            TokenClaims.AddElement(roles, realmRoles);
        if (TokenClaims.Object(token, "resource_access") is { ValueKind: JsonValueKind.Object } resources)
            foreach (var audience in audiences)
                if (resources.TryGetProperty(audience, out var client) && client.ValueKind == JsonValueKind.Object
                    && client.TryGetProperty("roles", out var clientRoles))
                    TokenClaims.AddElement(roles, clientRoles);
        return roles;
    }
}
