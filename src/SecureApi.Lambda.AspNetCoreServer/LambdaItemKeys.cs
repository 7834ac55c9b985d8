namespace SecureApi.Lambda.AspNetCoreServer;

/// <summary>
/// <see cref="Microsoft.AspNetCore.Http.HttpContext.Items"/> keys set on every invocation. The strings are the
/// ones Amazon.Lambda.AspNetCoreServer uses, so existing apps and docs keep working.
/// </summary>
public static class LambdaItemKeys
{
    /// <summary>The invocation's <see cref="SecureApi.Lambda.Core.ILambdaContext"/>.</summary>
    public const string LambdaContext = "LambdaContext";

    /// <summary>The deserialized <see cref="SecureApi.Lambda.APIGatewayEvents.APIGatewayProxyRequest"/>.</summary>
    public const string LambdaRequestObject = "LambdaRequestObject";
}
