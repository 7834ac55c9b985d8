using Microsoft.AspNetCore.RateLimiting;
using SecureApi.AuthorizerContract;

namespace SecureApi.Auth;

/// <summary>An endpoint's route as serverless.template names its resource: the route pattern, e.g. /protected/admin/keys/{keyId}.</summary>
public static class EndpointRoutes
{
    // Read on every protected request (route guard, route check): worked out once per endpoint.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RouteEndpoint, string> Paths = new();

    /// <summary>The route pattern's text without a trailing '/' (a group's "" route combines to "/protected/").</summary>
    public static string TemplatePath(RouteEndpoint endpoint) => Paths.GetValue(endpoint, static e => PathOf(e));

    private static string PathOf(RouteEndpoint endpoint)
    {
        var raw = endpoint.RoutePattern.RawText ?? "";
        if (!raw.StartsWith('/')) raw = "/" + raw;
        return raw.Length > 1 && raw.EndsWith('/') ? raw.TrimEnd('/') : raw;
    }

    /// <summary>Every (verb, path) behind a Lambda authorizer: the routes a route table must cover.</summary>
    public static IReadOnlyList<(string Verb, string Path)> BehindAuthorizers(EndpointDataSource endpoints) =>
        With<GatewayAuthorizerMetadata>(endpoints);

    /// <summary>Every (verb, path) under a rate-limiting policy: the routes a plan's route limit may name.</summary>
    public static IReadOnlyList<(string Verb, string Path)> RateLimited(EndpointDataSource endpoints) =>
        With<EnableRateLimitingAttribute>(endpoints);

    /// <summary>Every (verb, path) of the admin API: the routes a route table must leave requiring role admin.</summary>
    public static IReadOnlyList<(string Verb, string Path)> AdminApi(EndpointDataSource endpoints) =>
        With<Admin.AdminApiMetadata>(endpoints);

    private static List<(string, string)> With<TMetadata>(EndpointDataSource endpoints) where TMetadata : class
    {
        var routes = new List<(string, string)>();
        foreach (var endpoint in endpoints.Endpoints)
        {
            if (endpoint is not RouteEndpoint route || route.Metadata.GetMetadata<TMetadata>() is null) continue;
            var path = TemplatePath(route);
            foreach (var verb in route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                routes.Add((verb, path));
        }
        return routes;
    }
}
