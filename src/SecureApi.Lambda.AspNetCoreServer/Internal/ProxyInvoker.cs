using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Logging;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.Core;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>One proxy event through the app's pipeline (docs/wire-contracts.md §2.11): marshal, create context (new DI scope),
/// run, OnStarting, marshal response, OnCompleted, dispose.</summary>
internal interface IProxyInvoker
{
    Task<APIGatewayProxyResponse> InvokeAsync(APIGatewayProxyRequest request, ILambdaContext lambdaContext);
}

internal sealed class ProxyInvoker<TContext>(IHttpApplication<TContext> application, HostingOptions options, ILogger logger)
    : IProxyInvoker where TContext : notnull
{
    // Lambda sends one event at a time per process: keep one feature object (and with it the host's
    // context and DefaultHttpContext, via IHostContextContainer) for the next invocation.
    private InvokeFeatures<TContext>? _spare;

    public async Task<APIGatewayProxyResponse> InvokeAsync(APIGatewayProxyRequest request, ILambdaContext lambdaContext)
    {
        var features = Interlocked.Exchange(ref _spare, null) ?? new InvokeFeatures<TContext>();
        try
        {
            RequestMarshaller.Marshal(request, lambdaContext, features, options);
            var context = application.CreateContext(features);
            Exception? error = null;
            try
            {
                await application.ProcessRequestAsync(context).ConfigureAwait(false);
                await features.FlushResponseWriterAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                error = ex;
                Log.UnhandledException(logger, lambdaContext.AwsRequestId, ex);
                SetErrorResponse(features, ex);
            }

            try
            {
                await features.FireOnStartingAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                error ??= ex;
                Log.OnStartingFailed(logger, lambdaContext.AwsRequestId, ex);
                SetErrorResponse(features, ex);
            }

            var response = ResponseMarshaller.Marshal(features, options);
            // As the official hosting: after the proxy response is built, with it (docs/wire-contracts.md §2.10).
            options.PostMarshallResponseFeature?.Invoke(features, response, lambdaContext);

            try
            {
                await features.FireOnCompletedAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.OnCompletedFailed(logger, lambdaContext.AwsRequestId, ex);
            }
            application.DisposeContext(context, error);
            return response;
        }
        finally
        {
            features.Reset();
            _spare = features;
        }
    }

    /// <summary>The invoke still succeeds: API Gateway returns this 500, not a 502. Nothing the app half-wrote and
    /// no exception detail is sent (the type name only when IncludeUnhandledExceptionDetailInResponse is on).</summary>
    private void SetErrorResponse(InvokeFeatures features, Exception exception)
    {
        features.ResetResponseForError();
        if (options.IncludeUnhandledExceptionDetailInResponse)
        {
            features.ResponseHeaders["ErrorType"] = exception.GetType().Name;
        }
    }
}
