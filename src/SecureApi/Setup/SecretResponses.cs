namespace SecureApi.Setup;

/// <summary>
/// A response that carries a secret (a new key, an enrollment secret, an enrollment ticket) must sit in no cache
/// (docs/admin-api.md, "Secrets are shown once").
/// </summary>
internal static class SecretResponses
{
    public static void NeverCache(HttpResponse response) => response.Headers.CacheControl = "no-store";
}
