using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.AspNetCoreServer;
using SecureApi.AuthorizerContract;

namespace SecureApi.Auth;

/// <summary>
/// Defence in depth for endpoints behind a gateway authorizer: the app routes by the request path, API Gateway
/// authorized the event's <c>resource</c> and <c>httpMethod</c>. An endpoint carrying
/// <see cref="GatewayAuthorizerMetadata"/> runs only when the event's resource is exactly that endpoint's route
/// pattern (the template resource) and its method the endpoint's method; anything else — a <c>/public</c> or
/// <c>{proxy+}</c> resource reaching a protected handler, an ANY method — is answered 404 before authentication.
/// Requests with no proxy event at all get no authorizer context and fail authentication anyway.
/// </summary>
public sealed partial class GatewayRouteGuard(RequestDelegate next, ILogger<GatewayRouteGuard> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is RouteEndpoint endpoint &&
            endpoint.Metadata.GetMetadata<GatewayAuthorizerMetadata>() is not null &&
            context.Items[LambdaItemKeys.LambdaRequestObject] is APIGatewayProxyRequest request &&
            !IsAuthorizedRoute(endpoint, request))
        {
            Log.RouteMismatch(logger, request.HttpMethod, request.Resource);
            return Results.Problem(statusCode: StatusCodes.Status404NotFound).ExecuteAsync(context);
        }
        return next(context);
    }

    private static bool IsAuthorizedRoute(RouteEndpoint endpoint, APIGatewayProxyRequest request)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        return methods is { Count: > 0 } &&
               ContainsOrdinal(methods, request.HttpMethod) &&
               string.Equals(EndpointRoutes.TemplatePath(endpoint), request.Resource, StringComparison.Ordinal);
    }

    // Indexed, not LINQ's Contains with a comparer: that enumerates through a boxed enumerator on every protected request.
    private static bool ContainsOrdinal(IReadOnlyList<string> methods, string? method)
    {
        for (var i = 0; i < methods.Count; i++)
            if (string.Equals(methods[i], method, StringComparison.Ordinal)) return true;
        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.GatewayRouteMismatch, EventName = nameof(LogEvents.GatewayRouteMismatch), Level = LogLevel.Warning,
            Message = "A protected endpoint was reached through resource {Resource} ({Method}), which is not the route its authorizer ran for; answered 404.")]
        public static partial void RouteMismatch(ILogger logger, string? method, string? resource);
    }
}
