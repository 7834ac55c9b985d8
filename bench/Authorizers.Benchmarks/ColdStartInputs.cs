using System.Security.Cryptography;
using System.Text;
using SecureApi.Testing;

namespace Authorizers.Benchmarks;

/// <summary>
/// Writes the cold-start inputs bench/coldstart-authorizers.sh needs into a folder: token-event.json (a valid RS256
/// token for GET /protected), jwks.json (its public key, for TokenAuthorizer__Jwks), request-event.json (an api_key
/// request) and api-keys.json (that key's SHA-256 entry, for RequestAuthorizer__ApiKeys). Fresh keys every time.
/// </summary>
internal static class ColdStartInputs
{
    private const string Arn = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/Prod/GET/protected";

    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        using var tokens = new TokenFactory();
        var token = tokens.Create(tokens.Claims(sub: "bench-user", scope: "read"));
        File.WriteAllText(Path.Combine(folder, "token-event.json"),
            $$"""{"type":"TOKEN","authorizationToken":"Bearer {{token}}","methodArn":"{{Arn}}"}""");
        File.WriteAllText(Path.Combine(folder, "jwks.json"), tokens.Jwks(includeEc: false));
        File.WriteAllText(Path.Combine(folder, "issuer.txt"), tokens.Issuer);
        File.WriteAllText(Path.Combine(folder, "audience.txt"), tokens.Audience);

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        File.WriteAllText(Path.Combine(folder, "api-keys.json"),
            $$"""[{"sha256":"{{hash}}","principalId":"api-key-user","role":"admin","permissions":"read,write"}]""");
        File.WriteAllText(Path.Combine(folder, "request-event.json"),
            "{\"type\":\"REQUEST\",\"methodArn\":\"" + Arn + "\",\"httpMethod\":\"GET\",\"queryStringParameters\":{\"api_key\":\"" + key +
            "\"},\"requestContext\":{\"identity\":{\"sourceIp\":\"198.51.100.7\"}}}");
    }
}
