using System.Security.Claims;
using System.Text.Json;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>
/// <c>requestContext.authorizer</c> → <c>HttpContext.User</c> the way Amazon.Lambda.AspNetCoreServer builds it
/// (docs/wire-contracts.md §2.9), so an app that relies on <c>[Authorize]</c> alone keeps working when it moves:
/// a Cognito <c>claims</c> map with string values gives one claim per entry; otherwise every other top-level key
/// with a value gives one claim (<c>principalId</c>, the custom authorizer's context keys, <c>integrationLatency</c>).
/// </summary>
internal static class AuthorizerPrincipal
{
    /// <summary>The official hosting's authentication type; apps may test <c>Identity.AuthenticationType</c> for it.</summary>
    public const string AuthenticationType = "AuthorizerIdentity";

    private const string CognitoClaimsKey = "claims";

    /// <summary>Null (the request stays anonymous) without an authorizer block or when it yields no claim at all.</summary>
    public static ClaimsPrincipal? Create(APIGatewayCustomAuthorizerContext? authorizer)
    {
        if (authorizer is null || authorizer.Count == 0)
        {
            return null;
        }
        var identity = new ClaimsIdentity(AuthenticationType);
        // Deliberately stricter than the official hosting, which authenticates an empty block: no claim, no caller.
        return AddCognitoClaims(identity, authorizer) || AddContextClaims(identity, authorizer) ? new ClaimsPrincipal(identity) : null;
    }

    /// <summary>Custom (Lambda) authorizers: one claim per top-level key with a value.</summary>
    private static bool AddContextClaims(ClaimsIdentity identity, APIGatewayCustomAuthorizerContext authorizer)
    {
        var added = false;
        foreach (var (key, value) in authorizer)
        {
            // "claims" is never a claim itself: a Cognito map with no string value, or a custom context key of that name.
            if (value is not null && !string.Equals(key, CognitoClaimsKey, StringComparison.OrdinalIgnoreCase)
                && Text(value) is { } text)
            {
                Add(identity, key, text);
                added = true;
            }
        }
        return added;
    }

    /// <summary>Cognito user-pool authorizers: the string-valued entries of the <c>claims</c> object (as the
    /// official event type reads them); false when there are none, so the top-level keys are used instead.</summary>
    private static bool AddCognitoClaims(ClaimsIdentity identity, APIGatewayCustomAuthorizerContext authorizer)
    {
        if (!authorizer.TryGetValue(CognitoClaimsKey, out var claims))
        {
            return false;
        }
        var added = false;
        switch (claims)
        {
            case JsonElement { ValueKind: JsonValueKind.Object } json:
                foreach (var property in json.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        Add(identity, property.Name, property.Value.GetString()!);
                        added = true;
                    }
                }
                break;
            case IEnumerable<KeyValuePair<string, string?>> map: // an event built in code (the local stage, tests)
                foreach (var (type, value) in map)
                {
                    if (value is not null)
                    {
                        Add(identity, type, value);
                        added = true;
                    }
                }
                break;
        }
        return added;
    }

    /// <summary>The value as the official hosting writes it (<c>ToString()</c>): strings as they are, numbers and
    /// booleans as sent, anything else as its JSON text; null for a JSON null.</summary>
    private static string? Text(object value) =>
        APIGatewayCustomAuthorizerContext.TryStringify(value, out var text) ? text : value.ToString();

    // The identity as the claim's subject: AddClaim would clone a claim created without it.
    private static void Add(ClaimsIdentity identity, string type, string value) =>
        identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));
}
