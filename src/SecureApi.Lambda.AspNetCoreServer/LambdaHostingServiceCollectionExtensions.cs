using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecureApi.Lambda.AspNetCoreServer;
using SecureApi.Lambda.AspNetCoreServer.Internal;

namespace Microsoft.Extensions.DependencyInjection;

public static class LambdaHostingServiceCollectionExtensions
{
    /// <summary>
    /// Runs the app as a Lambda function behind API Gateway when AWS_LAMBDA_FUNCTION_NAME is set: Kestrel (and any
    /// other IServer) is replaced by <see cref="LambdaServer"/>, which pulls events from the Lambda Runtime API.
    /// Without that variable nothing changes, so <c>dotnet run</c> and WebApplicationFactory keep Kestrel/TestServer.
    /// </summary>
    public static IServiceCollection AddLambdaHosting(
        this IServiceCollection services, LambdaEventSource eventSource, Action<HostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ThrowIfNotSupported(eventSource); // also outside Lambda: fail on the laptop, not after deploying
        if (!SecureApi.Lambda.RuntimeSupport.LambdaEnvironment.IsLambda)
        {
            return services;
        }
        LambdaInitErrorReporter.Install();
        return services.AddLambdaServer(new LambdaServerMode(), configure);
    }

    /// <summary>Lambda mode without the environment check; tests and benchmarks drive <see cref="LambdaServer"/> directly.</summary>
    internal static IServiceCollection AddLambdaServer(this IServiceCollection services, LambdaServerMode mode, Action<HostingOptions>? configure = null)
    {
        // A plain singleton, as the official package registers it; it also spares Native AOT from building
        // IOptions<HostingOptions> and friends at startup (runtime generic instantiation costs cold-start time).
        var options = new HostingOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.RemoveAll<IServer>();
        services.AddSingleton(sp => new LambdaServer(
            sp.GetRequiredService<HostingOptions>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            mode));
        services.AddSingleton<IServer>(sp => sp.GetRequiredService<LambdaServer>());
        return services;
    }

    private static void ThrowIfNotSupported(LambdaEventSource eventSource)
    {
        if (eventSource != LambdaEventSource.RestApi)
        {
            throw new NotSupportedException(
                $"LambdaEventSource.{eventSource} is not supported: SecureApi.Lambda.AspNetCoreServer handles API Gateway " +
                "REST API proxy events (payload format 1.0) only. Use LambdaEventSource.RestApi.");
        }
    }
}
