using SecureApi.Admin;
using SecureApi.Endpoints;
using SecureApi.Auth;
using SecureApi.Lambda.AspNetCoreServer;
using SecureApi.Setup;
using SecureApi.RateLimiting;
using SecureApi.StepUp;
#if LOCAL_GATEWAY
using SecureApi.LocalGateway;
#endif

var builder = WebApplication.CreateSlimBuilder(args);

builder.Services.AddLambdaHosting(LambdaEventSource.RestApi);                     // Lambda Runtime API instead of Kestrel when AWS_LAMBDA_FUNCTION_NAME is set
builder.Services.AddSecureApiLogging();                                           // no request log line can carry a credential, whatever the configuration
builder.Services.AddSecureApiJson();                                              // source-generated camelCase JSON (AOT)
builder.Services.AddSecureApiProblemDetails();                                    // RFC 9457 bodies for every error
builder.Services.AddAuthentication(ApiGatewayAuthorizerDefaults.AuthenticationScheme)
    .AddApiGatewayAuthorizer();                                                   // User from requestContext.authorizer
builder.Services.AddAuthorizationStore();                                         // principals, keys, route table, audit: DynamoDB or in-memory (one singleton)
builder.Services.AddStepUp();                                                     // TOTP enrollment, step-up windows, lockout (store); KMS-protected secrets
builder.Services.AddRouteRulesPolicy();                                           // per request: route table, principal status, key status (store, short cache)
builder.Services.AddSecureApiRateLimiting();                                      // per-principal rate limits and quotas, counted in the store across all instances
builder.Services.AddSecureApiOpenApi();                                           // OpenAPI document with security schemes
#if LOCAL_GATEWAY
builder.Services.AddLocalGateway();                                               // dotnet run: serverless.template's API Gateway stage in front (never in the deployed binary)
#endif

var app = builder.Build();

app.UseExceptionHandler();                                                        // unhandled exception → 500 ProblemDetails, no internals
app.UseStatusCodePages();                                                         // empty 401/403/404 → ProblemDetails
app.UseMiddleware<GatewayRouteGuard>();                                           // a protected endpoint runs only for the route API Gateway authorized
app.UseAuthentication();
app.UseRouteRules();                                                              // routes with .RequireRouteRules(): route table, principal status, key status (401/403/503)
app.UseAuthorization();
app.UseRateLimiter();                                                             // routes with .RequireRateLimiting(RateLimitPolicies.Plan): 429 + RateLimit fields

app.MapSecureApiOpenApi();                                                        // GET /openapi/v1.json (Kestrel only)
app.MapPublicApi();                                                               // GET /public
app.MapProtectedApi();                                                            // GET /protected, GET /protected/admin
app.MapAdminApi();                                                                // /protected/admin: principals, keys, usage, routes, MFA reset (role admin)
app.MapMfaApi();                                                                  // /protected/mfa/…, /protected/admin/mfa/… (self-service enrollment, verify)
#if LOCAL_GATEWAY
app.MapDeveloperPages();                                                          // dotnet run (Development): /_console/ decision console, /scalar API reference
app.MapLocalTokenService();                                                       // dotnet run: POST /oauth2/token, GET /.well-known/jwks.json (the token service in process)
#endif

app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
