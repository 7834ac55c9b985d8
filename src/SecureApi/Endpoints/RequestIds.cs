using SecureApi.Lambda.AspNetCoreServer;
using SecureApi.Lambda.Core;

namespace SecureApi.Endpoints;

internal static class RequestIds
{
    /// <summary>The Lambda request id on Lambda (what CloudWatch shows), otherwise ASP.NET Core's trace identifier.</summary>
    public static string For(HttpContext context) =>
        context.Items[LambdaItemKeys.LambdaContext] is ILambdaContext lambda
            ? lambda.AwsRequestId
            : context.TraceIdentifier;
}
