using Microsoft.AspNetCore.Diagnostics;
using SecureApi.AuthorizationStore;

namespace SecureApi.Setup;

/// <summary>
/// Store failures as ProblemDetails: unavailable → 503 with Retry-After (fail closed, never 500, never allowed);
/// a write that kept losing to concurrent writes → 409 (nothing was written; retrying is safe).
/// </summary>
internal static class StoreProblems
{
    /// <summary>A store call's budget is about a second: a retry after two finds it answering again or fails as fast.</summary>
    public const long RetryAfterSeconds = 2;

    public static Task WriteUnavailableAsync(HttpContext context)
    {
        RetryAfter.Write(context.Response, RetryAfterSeconds);
        return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "https://tools.ietf.org/html/rfc9110#section-15.6.4");
    }

    private static async Task WriteAsync(HttpContext context, int status, string title, string type)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Type = type },
        });
    }

    /// <summary>For store calls in endpoint handlers (the admin API): the same answers as the route check gives.</summary>
    internal sealed class ExceptionHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            switch (exception)
            {
                case AuthorizationStoreUnavailableException:
                    await WriteUnavailableAsync(httpContext);
                    return true;
                case AuthorizationStoreConflictException:
                    await WriteAsync(httpContext, StatusCodes.Status409Conflict, "Conflict", "https://tools.ietf.org/html/rfc9110#section-15.5.10");
                    return true;
                default:
                    return false;
            }
        }
    }
}
