using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SecureApi.AuthorizationStore.RateLimits;
using SecureApi.Setup;

namespace SecureApi.StepUp;

/// <summary>Endpoint metadata: this route needs step-up (docs/step-up.md). Read by tests and the OpenAPI document.</summary>
public sealed class StepUpRequiredMetadata
{
    public static StepUpRequiredMetadata Instance { get; } = new();
    private StepUpRequiredMetadata() { }
}

public static class StepUpEndpointExtensions
{
    /// <summary>
    /// The route needs step-up: the IdP's fresh MFA, an open window of this credential, or a valid code in X-MFA-Code.
    /// Runs after the route check, so only an authorized caller gets as far as a code check.
    /// </summary>
    public static TBuilder RequireStepUp<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(StepUpRequiredMetadata.Instance);
        builder.AddEndpointFilter(StepUpFilter.InvokeAsync);
        return builder;
    }
}

/// <summary>Runs <see cref="StepUpCheck"/> and answers a refusal: 401 with the RFC 9470 challenge, 400, or 429.</summary>
internal static class StepUpFilter
{
    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var check = http.RequestServices.GetRequiredService<StepUpCheck>();
        var result = await check.CheckAsync(http.User, http.Request, http.RequestAborted).ConfigureAwait(false);
        return result.Outcome == StepUpOutcome.Satisfied ? await next(invocation).ConfigureAwait(false) : Refusal(http, result);
    }

    public static IResult Refusal(HttpContext http, StepUpResult result)
    {
        if (result.Outcome != StepUpOutcome.MalformedCode) return CodeRefusal(http, result);
        return TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            [StepUpCheck.CodeHeader] = ["The code must be exactly 6 digits, sent once."],
        });
    }

    /// <summary>Locked out → 429 with Retry-After; anything else → 401 with the challenge.</summary>
    public static ProblemHttpResult CodeRefusal(HttpContext http, StepUpResult result)
    {
        StepUpMetrics.Refused(result.Outcome);
        var options = http.RequestServices.GetRequiredService<StepUpOptions>();
        switch (result.Outcome)
        {
            case StepUpOutcome.LockedOut:
                var seconds = RateWindows.WaitSeconds(result.RetryAfter);
                RetryAfter.Write(http.Response, seconds);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many wrong codes",
                    detail: $"Too many wrong step-up codes for this principal; try again in {seconds} seconds.");
            case StepUpOutcome.WrongCode:
                return Challenge(http, options, "The step-up code is wrong, already used, or there is no confirmed enrollment.");
            default:
                return Challenge(http, options, "This operation needs step-up authentication.");
        }
    }

    /// <summary>RFC 9470 §3: error, error_description, acr_values and max_age on a Bearer challenge; the body says the same.</summary>
    private static ProblemHttpResult Challenge(HttpContext http, StepUpOptions options, string description)
    {
        var maxAge = options.MaxAuthAgeSeconds.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.WWWAuthenticate =
            $"Bearer error=\"insufficient_user_authentication\", error_description=\"{description}\", acr_values=\"{options.AcrValues}\", max_age={maxAge}";
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Step-up authentication required",
            type: "https://www.rfc-editor.org/rfc/rfc9470",
            detail: $"{description} Either authenticate again at the identity provider with multi-factor authentication " +
                    $"(acr_values \"{options.AcrValues}\", within {maxAge} seconds), or send a code from your enrolled " +
                    $"authenticator app in the {StepUpCheck.CodeHeader} header (or to POST …/mfa/verify).");
    }
}
