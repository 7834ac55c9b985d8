using System.Net;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.AspNetCoreServer;
using SecureApi.AuthorizerContract;
using SecureApi.LocalGateway.DeveloperConsole;

namespace SecureApi.LocalGateway;

/// <summary>
/// The local API Gateway stage in front of the app on Kestrel: runs <see cref="GatewayStage"/> for each request,
/// answers with the gateway response when it rejects, and otherwise places the proxy event API Gateway would send
/// (with <c>requestContext.authorizer</c>) in <c>Items["LambdaRequestObject"]</c>, where the app reads it exactly
/// as on Lambda. The source IP is the TCP peer; forwarding headers are never consulted.
/// </summary>
public sealed partial class LocalGatewayMiddleware(RequestDelegate next, GatewayStage stage, DecisionRecorder recorder, ILogger<LocalGatewayMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = ToGatewayRequest(context);
        GatewayOutcome outcome;
        APIGatewayProxyRequest? proxyRequest = null;
        try
        {
            outcome = await stage.AuthorizeAsync(request, context.RequestAborted);
            if (outcome.IsAllowed) proxyRequest = stage.CreateProxyRequest(request, outcome);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // What API Gateway answers when it fails itself: 500 without detail; never the integration.
            Log.StageFailed(logger, request.Method, request.Path, ex.GetType().Name);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = GatewayResponse.DefaultContentType;
            await context.Response.WriteAsync("""{"message":"Internal server error"}""", context.RequestAborted);
            return;
        }
        Log.Decision(logger, request.Method, request.Path, outcome.Route?.Authorizer?.Name ?? "none", outcome.Reason,
            outcome.Rejection?.StatusCode ?? 0, outcome.Authorizer?.PrincipalId);

        if (outcome.Rejection is { } rejection)
        {
            context.Response.StatusCode = rejection.StatusCode;
            foreach (var (name, value) in rejection.Headers) context.Response.Headers[name] = value;
            context.Response.ContentType = rejection.ContentType;
            context.Response.Headers["x-amzn-ErrorType"] = rejection.ErrorType;
            TryRecord(request, outcome, context.Response);
            await context.Response.WriteAsync(rejection.Body, context.RequestAborted);
            return;
        }

        context.Items[LambdaItemKeys.LambdaRequestObject] = proxyRequest;
        try
        {
            await next(context);
        }
        finally
        {
            // The developer console's row: what the API answered, with the rate-limit fields and any step-up
            // challenge it set. The console's own requests (and the other local-only pages) are not recorded.
            if (outcome.Reason != "local-only") TryRecord(request, outcome, context.Response);
        }
    }

    /// <summary>Best effort: the console's record never changes what the client gets (a failing clock included).</summary>
    private void TryRecord(GatewayRequest request, GatewayOutcome outcome, HttpResponse response)
    {
        try
        {
            var headers = response.Headers;
            recorder.Record(request.Method, request.Path, response.StatusCode, outcome,
                headers.TryGetValue("RateLimit", out var state) ? state.ToString() : null,
                headers.TryGetValue("RateLimit-Policy", out var policy) ? policy.ToString() : null,
                headers.TryGetValue("WWW-Authenticate", out var challenge) ? challenge.ToString() : null);
        }
        catch (Exception ex)
        {
            Log.RecordFailed(logger, request.Method, request.Path, ex.GetType().Name);
        }
    }

    private static GatewayRequest ToGatewayRequest(HttpContext context)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(context.Request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers) headers[name] = ToList(values);
        var query = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in context.Request.Query) query[name] = ToList(values);
        // The TCP peer, as API Gateway sees its client. No peer address (a Unix socket) means no source IP: it
        // matches no allowlist. Forwarding headers cannot move it: AddLocalGateway turns the middleware off.
        var ip = context.Connection.RemoteIpAddress;
        if (ip is { IsIPv4MappedToIPv6: true }) ip = ip.MapToIPv4();
        var path = context.Request.PathBase.Add(context.Request.Path).Value;
        return new GatewayRequest(context.Request.Method, string.IsNullOrEmpty(path) ? "/" : path,
            headers, query, ip?.ToString() ?? "", context.TraceIdentifier);
    }

    private static string[] ToList(Microsoft.Extensions.Primitives.StringValues values) => [.. values.OfType<string>()];

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.GatewayDecision, EventName = nameof(LogEvents.GatewayDecision), Level = LogLevel.Information,
            Message = "Gateway {Method} {Path}: authorizer {Authorizer} -> {Reason} (status {Status}, principal {PrincipalId})")]
        public static partial void Decision(ILogger logger, string method, string path, string authorizer, string reason, int status, string? principalId);

        [LoggerMessage(EventId = LogEvents.GatewayStageFailed, EventName = nameof(LogEvents.GatewayStageFailed), Level = LogLevel.Error, Message = "Gateway {Method} {Path}: the stage itself failed ({ExceptionType}); answered 500.")]
        public static partial void StageFailed(ILogger logger, string method, string path, string exceptionType);

        [LoggerMessage(EventId = LogEvents.GatewayConsoleRecordFailed, EventName = nameof(LogEvents.GatewayConsoleRecordFailed), Level = LogLevel.Warning, Message = "Gateway {Method} {Path}: the developer console could not record the request ({ExceptionType}).")]
        public static partial void RecordFailed(ILogger logger, string method, string path, string exceptionType);
    }
}
