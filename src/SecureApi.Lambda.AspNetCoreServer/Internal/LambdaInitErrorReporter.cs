using SecureApi.Lambda.RuntimeSupport;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>
/// Init failures in Lambda mode (options ValidateOnStart, a hosted service or DI validation throwing before the
/// runtime loop starts) escape <c>app.Run()</c> as an unhandled exception. Lambda must hear about them on
/// /runtime/init/error (ACS skips this; docs/wire-contracts.md §1.5 says we must not), then the process exits non-zero
/// as any unhandled exception does. Armed by AddLambdaHosting, disarmed when the runtime loop starts.
/// </summary>
internal static class LambdaInitErrorReporter
{
    private static int s_installed;
    private static volatile bool s_initialized;

    public static void Install()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
        {
            AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            {
                if (!s_initialized && e.ExceptionObject is Exception ex)
                {
                    Report(ex, Environment.GetEnvironmentVariable(LambdaBootstrap.RuntimeApiEnvironmentVariable));
                }
            };
        }
    }

    public static void MarkInitialized() => s_initialized = true;

    /// <summary>POSTs the error to /runtime/init/error; returns false when there is no Runtime API or it failed.</summary>
    public static bool Report(Exception exception, string? runtimeApiEndpoint)
    {
        if (string.IsNullOrWhiteSpace(runtimeApiEndpoint))
        {
            return false;
        }
        try
        {
            Console.Error.WriteLine($"Lambda init error: {exception.GetType().Name}: {exception.Message}");
            using var client = new RuntimeApiClient(runtimeApiEndpoint);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            client.ReportInitializationErrorAsync(exception, timeout.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception reportFailure)
        {
            Console.Error.WriteLine($"Could not report the init error to the Runtime API: {reportFailure.GetType().Name}: {reportFailure.Message}");
            return false;
        }
    }
}
