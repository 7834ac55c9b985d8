namespace SecureApi.Setup;

internal static class ProblemDetailsSetup
{
    /// <summary>
    /// RFC 9457 problem details for exceptions, status-code pages (401, 403, 404) and results. The body carries
    /// status, title, type and a request id to quote in support requests; never an exception message or stack.
    /// </summary>
    public static IServiceCollection AddSecureApiProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Detail = null;
            context.ProblemDetails.Extensions.Remove("exception");
            context.ProblemDetails.Extensions["requestId"] = Endpoints.RequestIds.For(context.HttpContext);
        });
}
