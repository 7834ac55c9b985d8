using SecureApi.Lambda.AspNetCoreServer;
using SecureApi.TokenService;

var builder = WebApplication.CreateSlimBuilder(args);

builder.Services.AddLambdaHosting(LambdaEventSource.RestApi);                     // Lambda Runtime API instead of Kestrel when AWS_LAMBDA_FUNCTION_NAME is set
builder.Services.AddTokenService();                                               // SAML settings, replay cache (store), signer (KMS or per-run key), exchange

var app = builder.Build();

app.MapTokenApi();                                                                // POST /oauth2/token, GET /.well-known/jwks.json

app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
