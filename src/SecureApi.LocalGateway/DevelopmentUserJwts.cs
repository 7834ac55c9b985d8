using SecureApi.Authorizers;

namespace SecureApi.LocalGateway;

/// <summary>
/// Development only: lets the local TOKEN authorizer accept tokens from <c>dotnet user-jwts create</c>, which
/// writes its HS256 key to user secrets (Authentication:Schemes:Bearer:SigningKeys) and its issuer/audiences to
/// appsettings.Development.json (Authentication:Schemes:Bearer:ValidIssuer/ValidAudiences). Used only when the
/// TokenAuthorizer section names no key source of its own.
/// </summary>
internal static class DevelopmentUserJwts
{
    public const string Section = "Authentication:Schemes:Bearer";

    public static bool HasKeySource(TokenAuthorizerOptions o) => o.Issuers.Count > 0 ||
        !string.IsNullOrWhiteSpace(o.MetadataAddress) || !string.IsNullOrWhiteSpace(o.JwksUri) ||
        !string.IsNullOrWhiteSpace(o.Jwks) || !string.IsNullOrWhiteSpace(o.SymmetricKey);

    public static void Apply(TokenAuthorizerOptions options, IConfiguration configuration)
    {
        if (HasKeySource(options)) return;
        var bearer = configuration.GetSection(Section);
        var key = bearer.GetSection("SigningKeys").GetChildren().Select(k => k["Value"]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        if (key is null) return;

        options.SymmetricKey = key;
        options.Issuer ??= bearer["ValidIssuer"] ?? "dotnet-user-jwts";
        if (options.Audiences.Count == 0)
        {
            options.Audiences = [.. bearer.GetSection("ValidAudiences").GetChildren().Select(a => a.Value).OfType<string>()];
        }
    }
}
