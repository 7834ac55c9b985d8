using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;
using SecureApi.LocalGateway.DeveloperConsole;

namespace SecureApi.LocalGateway;

/// <summary>
/// The pages a developer opens under `dotnet run` (Development only): the decision console at /_console/
/// (docs/local-stage.md#the-developer-console) and Scalar's API reference at /scalar over /openapi/v1.json
/// (docs/openapi.md). They live in the local stage's assembly, so the deployed binary never carries them.
/// </summary>
public static class DeveloperPages
{
    public static IEndpointRouteBuilder MapDeveloperPages(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment()) return app;
        app.MapDeveloperConsole();
        app.MapScalarApiReference("/scalar", options => options
            .WithTitle("SecureApi")
            .DisableTelemetry());                                   // no telemetry, no credentials kept in the browser
        return app;
    }
}
