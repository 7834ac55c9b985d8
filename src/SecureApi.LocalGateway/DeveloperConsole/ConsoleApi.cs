using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using SecureApi.AuthorizationStore;

namespace SecureApi.LocalGateway.DeveloperConsole;

/// <summary>
/// /_console/ (docs/local-stage.md#the-developer-console): the page, its script, the recorded requests as JSON
/// (polled by the page) and a principal's page. Local only: the stage passes /_console/ through without an
/// authorizer, and only Debug builds contain this code.
/// </summary>
public static class ConsoleApi
{
    public const string Prefix = "/_console/";

    public static IEndpointRouteBuilder MapDeveloperConsole(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_console").ExcludeFromDescription();
        // RequestDelegate handlers: no reflection-built binding, so the assembly stays trim/AOT clean.
        group.MapGet("/", http => AssetAsync(http, "console.html", "text/html; charset=utf-8"));
        group.MapGet("/principal", http => AssetAsync(http, "principal.html", "text/html; charset=utf-8"));
        group.MapGet("/console.js", http => AssetAsync(http, "console.js", "text/javascript; charset=utf-8"));
        group.MapGet("/console.css", http => AssetAsync(http, "console.css", "text/css; charset=utf-8"));
        group.MapGet("/api/requests", WriteRequestsAsync);
        group.MapGet("/api/principals/{principalId}", WritePrincipalAsync);
        return app;
    }

    private static async Task WriteRequestsAsync(HttpContext http)
    {
        var recorder = http.RequestServices.GetRequiredService<DecisionRecorder>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var after = long.TryParse(http.Request.Query["after"], out var seen) ? seen : 0;
        var requests = recorder.Since(after);
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        var now = time.GetUtcNow();
        json.WriteStartObject();
        json.WriteNumber("last", recorder.LastSequence);
        json.WriteNumber("capacity", DecisionRecorder.Capacity);
        json.WriteStartArray("requests");
        foreach (var request in requests) RequestView.Write(json, request, now);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static async Task WritePrincipalAsync(HttpContext http)
    {
        var principalId = (string)http.Request.RouteValues["principalId"]!;
        var recorder = http.RequestServices.GetRequiredService<DecisionRecorder>();
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        var buffer = new MemoryStream();
        try
        {
            await using (var json = new Utf8JsonWriter(buffer))
                await PrincipalView.WriteAsync(json, principalId, http.RequestServices, recorder, http.RequestAborted);
        }
        catch (Exception ex) when (ex is AuthorizationStoreUnavailableException or TimeoutException)
        {
            // Fail closed and say only that the store did not answer.
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await http.Response.WriteAsync("""{"error":"The authorization store did not answer."}""", http.RequestAborted);
            return;
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    private static async Task AssetAsync(HttpContext http, string name, string contentType)
    {
        await using var stream = typeof(ConsoleApi).Assembly.GetManifestResourceStream("DeveloperConsole." + name)
            ?? throw new InvalidOperationException($"The console asset {name} is not embedded.");
        http.Response.ContentType = contentType;
        await stream.CopyToAsync(http.Response.Body, http.RequestAborted);
    }
}
