namespace SecureApi.LocalGateway.Template;

/// <summary>
/// The REST API serverless.template declares, as far as the stage needs it: the stage name, the methods (each
/// with its authorizer or none), the Lambda authorizers and the gateway responses. Function logical ids are kept
/// so an end-to-end harness can route each method and authorizer to its published function.
/// </summary>
public sealed record GatewayDefinition(
    string StageName,
    IReadOnlyList<GatewayRoute> Routes,
    IReadOnlyDictionary<string, AuthorizerDefinition> Authorizers,
    GatewayResponses Responses,
    IReadOnlyDictionary<GatewayRoute, string> RouteFunctions,
    IReadOnlyDictionary<string, string> AuthorizerFunctions)
{
    /// <summary>The route API Gateway selects for a request (most specific first), or null: no such resource/method.</summary>
    public GatewayRoute? Find(string method, string path, out Dictionary<string, string>? pathParameters)
    {
        foreach (var route in Routes)
        {
            if (route.TryMatch(method, path, out pathParameters)) return route;
        }
        pathParameters = null;
        return null;
    }
}

/// <summary>serverless.template holds something the stage cannot play; the message names the construct.</summary>
public sealed class GatewayTemplateException(string message) : Exception(message);
