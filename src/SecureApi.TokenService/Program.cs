using SecureApi.Lambda.AspNetCoreServer;

namespace SecureApi.TokenService;

/// <summary>
/// Entry point, public for WebApplicationFactory. A named class in the service's namespace rather than top-level
/// statements: the local stage (src/SecureApi.LocalGateway) references this project, and the API's own global
/// <c>Program</c> must stay the only one.
/// </summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        builder.Services.AddLambdaHosting(LambdaEventSource.RestApi);             // Lambda Runtime API instead of Kestrel when AWS_LAMBDA_FUNCTION_NAME is set
        builder.Services.AddTokenService();                                       // SAML settings, replay cache (store), signer (KMS or per-run key), exchange

        var app = builder.Build();

        app.MapTokenApi();                                                        // POST /oauth2/token, GET /.well-known/jwks.json

        app.Run();
    }
}
