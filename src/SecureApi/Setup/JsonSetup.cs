using SecureApi.Endpoints;

namespace SecureApi.Setup;

internal static class JsonSetup
{
    /// <summary>Response bodies use the source-generated context first (no reflection; Web defaults = camelCase).</summary>
    public static IServiceCollection AddSecureApiJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, SecureApiJsonContext.Default));
}
