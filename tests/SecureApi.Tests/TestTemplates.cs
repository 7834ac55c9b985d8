namespace SecureApi.Tests;

/// <summary>Small SAM templates for stage tests: one API, one function, the given authorizers, events and gateway responses.</summary>
internal static class TestTemplates
{
    public static string With(string authorizers = "", string events = "", string gatewayResponses = "", string defaultAuthorizer = "") => $$"""
        {
          "Resources": {
            "Api": { "Type": "AWS::Serverless::Api", "Properties": { "StageName": "prod",
              "Auth": { {{(defaultAuthorizer.Length > 0 ? $"\"DefaultAuthorizer\": \"{defaultAuthorizer}\"," : "")}} "Authorizers": { {{authorizers}} } },
              "GatewayResponses": { {{gatewayResponses}} } } },
            "Fn": { "Type": "AWS::Serverless::Function", "Properties": { "Handler": "Fn", "Events": { {{events}} } } }
          }
        }
        """;
}
