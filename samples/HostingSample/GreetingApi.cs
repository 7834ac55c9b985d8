using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HostingSample;

public static class GreetingApi
{
    public static RouteGroupBuilder MapGreetingApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("");
        group.MapGet("/hello", Hello);
        return group;
    }

    // IOptionsMonitor: startup validation already built it; IOptions<T> would make AOT build one more generic type on the first call.
    private static Ok<Greeting> Hello(string? name, IOptionsMonitor<GreetingOptions> options) =>
        TypedResults.Ok(new Greeting($"{options.CurrentValue.Text}, {name ?? "world"}!"));
}

public sealed record Greeting(string Message);

/// <summary>Greeting text; must not be empty (checked at startup).</summary>
public sealed class GreetingOptions
{
    public string Text { get; set; } = "Hello";
}

public static class GreetingOptionsExtensions
{
    public static IServiceCollection AddGreetingOptions(this IServiceCollection services)
    {
        services.AddOptions<GreetingOptions>()
            .BindConfiguration("Greeting")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Text), "Greeting:Text must not be empty.")
            .ValidateOnStart();
        return services;
    }
}

[JsonSerializable(typeof(Greeting))]
public sealed partial class SampleJsonContext : JsonSerializerContext
{
}
