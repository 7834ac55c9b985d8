using System.Security.Claims;
using System.Text.Json;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>
/// docs/wire-contracts.md §2.9: <c>requestContext.authorizer</c> → HttpContext.User. Cognito user-pool authorizers put string claims
/// under <c>claims</c>; Lambda authorizers flatten principalId, integrationLatency and their context keys to the
/// top level. Absent authorizer → null, so the user stays anonymous.
/// </summary>
internal static class AuthorizerPrincipal
{
    public const string AuthenticationType = "AuthorizerIdentity";
    private const string CognitoClaimsKey = "claims";

    public static ClaimsPrincipal? Create(APIGatewayCustomAuthorizerContext? authorizer)
    {
        if (authorizer is null)
        {
            return null;
        }
        var claims = new List<Claim>(authorizer.Count);
        if (!authorizer.TryGetValue(CognitoClaimsKey, out var cognito) || !AddCognitoClaims(cognito, claims))
        {
            foreach (var key in authorizer.Keys)
            {
                if (key != CognitoClaimsKey && authorizer.GetString(key) is { } value)
                {
                    claims.Add(new Claim(key, value));
                }
            }
        }
        // Default Name/Role claim types on purpose (as ACS): context keys are checked with RequireClaim policies.
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType));
    }

    /// <summary>One claim per string property; false when there is none (then the custom-authorizer rule applies).</summary>
    private static bool AddCognitoClaims(object? cognito, List<Claim> claims)
    {
        switch (cognito)
        {
            case JsonElement { ValueKind: JsonValueKind.Object } element:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        claims.Add(new Claim(property.Name, property.Value.GetString()!));
                    }
                }
                break;
            case IEnumerable<KeyValuePair<string, string>> map:
                foreach (var (type, value) in map)
                {
                    claims.Add(new Claim(type, value));
                }
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                foreach (var (type, value) in map)
                {
                    if (value is string text)
                    {
                        claims.Add(new Claim(type, text));
                    }
                }
                break;
        }
        return claims.Count > 0;
    }
}
