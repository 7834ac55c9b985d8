using Microsoft.Extensions.Logging;
using SecureApi.AuthorizerContract;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>Hosting log messages; their ids are LogEvents.Hosting* (5100–5199).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = LogEvents.HostingUnhandledException, EventName = nameof(LogEvents.HostingUnhandledException), Level = LogLevel.Error,
        Message = "Unhandled exception in the ASP.NET Core pipeline (Lambda request {AwsRequestId}); answering 500.")]
    public static partial void UnhandledException(ILogger logger, string awsRequestId, Exception exception);

    [LoggerMessage(EventId = LogEvents.HostingOnStartingFailed, EventName = nameof(LogEvents.HostingOnStartingFailed), Level = LogLevel.Error,
        Message = "A response OnStarting callback failed (Lambda request {AwsRequestId}); answering 500.")]
    public static partial void OnStartingFailed(ILogger logger, string awsRequestId, Exception exception);

    [LoggerMessage(EventId = LogEvents.HostingOnCompletedFailed, EventName = nameof(LogEvents.HostingOnCompletedFailed), Level = LogLevel.Error,
        Message = "A response OnCompleted callback failed (Lambda request {AwsRequestId}).")]
    public static partial void OnCompletedFailed(ILogger logger, string awsRequestId, Exception exception);

    [LoggerMessage(EventId = LogEvents.HostingRuntimeLoopStarting, EventName = nameof(LogEvents.HostingRuntimeLoopStarting), Level = LogLevel.Information,
        Message = "Lambda runtime loop starting: API Gateway REST API proxy events go through the ASP.NET Core pipeline.")]
    public static partial void RuntimeLoopStarting(ILogger logger);

    [LoggerMessage(EventId = LogEvents.HostingRuntimeLoopFailed, EventName = nameof(LogEvents.HostingRuntimeLoopFailed), Level = LogLevel.Critical,
        Message = "Lambda runtime loop stopped with a fatal error; the application stops with exit code 1.")]
    public static partial void RuntimeLoopFailed(ILogger logger, Exception exception);
}
