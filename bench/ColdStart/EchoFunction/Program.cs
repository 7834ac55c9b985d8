using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.RuntimeSupport;
using SecureApi.Lambda.Serialization;

// Echo the authorizer event back: exercises GET /next, typed deserialize/serialize and POST /response.
using var bootstrap = LambdaBootstrapBuilder
    .Create((APIGatewayCustomAuthorizerRequest request, SecureApi.Lambda.Core.ILambdaContext _) => Task.FromResult(request),
        new SourceGeneratorLambdaJsonSerializer<APIGatewayEventsJsonContext>())
    .Build();
return await bootstrap.RunToExitCodeAsync();
