using System.Net;
using SecureApi.Identity;

namespace SecureApi.Gateway;

/// <summary>
/// The local API Gateway stage in front of the app on Kestrel: runs <see cref="GatewayStage"/> for each request,
/// answers with the gateway response when it rejects, and otherwise places the proxy event API Gateway would
/// send (with <c>requestContext.authorizer</c>) in <c>Items["LambdaRequestObject"]</c>. The source IP is the TCP
/// peer; forwarding headers are not consulted. A request that already carries a Lambda request object came
/// through the Lambda hosting layer (the real gateway ran) and is passed through untouched.
/// </summary>
public sealed partial class LocalGatewayMiddleware(RequestDelegate next, GatewayStage stage, ILogger<LocalGatewayMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Items.ContainsKey(ApiGatewayAuthorizerDefaults.LambdaRequestObjectKey))
        {
            await next(context);
            return;
        }

        var request = ToGatewayRequest(context);
        var outcome = await stage.AuthorizeAsync(request, context.RequestAborted);
        if (outcome.Route is not null)
        {
            Log.Decision(logger, request.Method, request.Path, outcome.Route.AuthorizerName, outcome.Reason,
                outcome.Rejection?.StatusCode ?? 0, outcome.Authorizer?.PrincipalId);
        }

        if (outcome.Rejection is { } rejection)
        {
            context.Response.StatusCode = rejection.StatusCode;
            context.Response.ContentType = GatewayResponse.ContentType;
            context.Response.Headers["x-amzn-ErrorType"] = rejection.ErrorType;
            await context.Response.WriteAsync(rejection.Body, context.RequestAborted);
            return;
        }

        context.Items[ApiGatewayAuthorizerDefaults.LambdaRequestObjectKey] = stage.CreateProxyRequest(request, outcome);
        await next(context);
    }

    private static GatewayRequest ToGatewayRequest(HttpContext context)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(context.Request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers) headers[name] = ToList(values);
        var query = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in context.Request.Query) query[name] = ToList(values);
        var ip = context.Connection.RemoteIpAddress ?? IPAddress.Loopback;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        var path = context.Request.PathBase.Add(context.Request.Path).Value;
        return new GatewayRequest(context.Request.Method, string.IsNullOrEmpty(path) ? "/" : path,
            headers, query, ip.ToString(), context.TraceIdentifier);
    }

    private static string[] ToList(Microsoft.Extensions.Primitives.StringValues values)
    {
        var list = new string[values.Count];
        var n = 0;
        foreach (var value in values)
        {
            if (value is not null) list[n++] = value;
        }
        return n == list.Length ? list : list[..n];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
            Message = "Gateway {Method} {Path}: authorizer {Authorizer} -> {Reason} (status {Status}, principal {PrincipalId})")]
        public static partial void Decision(ILogger logger, string method, string path, string authorizer, string reason, int status, string? principalId);
    }
}
