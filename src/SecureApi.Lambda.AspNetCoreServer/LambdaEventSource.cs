namespace SecureApi.Lambda.AspNetCoreServer;

/// <summary>
/// Which kind of Lambda event the function receives. Names match Amazon.Lambda.AspNetCoreServer.Hosting;
/// only <see cref="RestApi"/> (API Gateway REST API, proxy integration, payload format 1.0) is supported.
/// </summary>
public enum LambdaEventSource
{
    RestApi,
    HttpApi,
    ApplicationLoadBalancer,
    WebsocketApi,
}
