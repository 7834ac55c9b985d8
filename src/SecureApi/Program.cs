using SecureApi.Endpoints;
using SecureApi.Gateway;
using SecureApi.Identity;
using SecureApi.Lambda.AspNetCoreServer;
using SecureApi.Setup;

var builder = WebApplication.CreateSlimBuilder(args);

builder.Services.AddLambdaHosting(LambdaEventSource.RestApi);                     // Lambda Runtime API instead of Kestrel when AWS_LAMBDA_FUNCTION_NAME is set
builder.Services.AddSecureApiJson();                                              // source-generated camelCase JSON (AOT)
builder.Services.AddSecureApiProblemDetails();                                    // RFC 9457 bodies for every error
builder.Services.AddAuthentication(ApiGatewayAuthorizerDefaults.AuthenticationScheme)
    .AddApiGatewayAuthorizer();                                                   // User from requestContext.authorizer
builder.Services.AddRoutePolicies();                                              // RouteRules → permission/role policies
builder.Services.AddLocalGateway(builder.Configuration, builder.Environment);      // in-process API Gateway stage (Kestrel only)
builder.Services.AddSecureApiOpenApi();                                           // OpenAPI document with security schemes

var app = builder.Build();

app.UseExceptionHandler();                                                        // unhandled exception → 500 ProblemDetails, no internals
app.UseStatusCodePages();                                                         // empty 401/403/404 → ProblemDetails
app.UseLocalGateway();                                                            // authorizers + IAM policy, as API Gateway would
app.UseAuthentication();
app.UseAuthorization();

app.MapSecureApiOpenApi();                                                        // GET /openapi/v1.json (Kestrel only)
app.MapPublicApi();                                                               // GET /public
app.MapProtectedApi();                                                            // GET /protected, GET /protected/admin

app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
