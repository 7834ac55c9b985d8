using Microsoft.OpenApi;
using SecureApi.Auth;
using SecureApi.AuthorizerContract;
using SecureApi.Lambda.RuntimeSupport;

namespace SecureApi.Setup;

internal static class OpenApiSetup
{
    public const string BearerScheme = "TokenAuthorizer";
    public const string ApiKeyScheme = "ApiKey";
    public const string CustomHeaderScheme = "CustomAuthHeader";

    /// <summary>
    /// The OpenAPI document at /openapi/v1.json: routes plus the gateway's security schemes (bearer JWT for the
    /// TOKEN authorizer; api_key query or X-Custom-Auth header for the REQUEST authorizer), attached per route
    /// from its <see cref="GatewayAuthorizerMetadata"/>.
    /// </summary>
    public static IServiceCollection AddSecureApiOpenApi(this IServiceCollection services) =>
        LambdaEnvironment.IsLambda ? services : services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "SecureApi";
                document.Info.Version = Endpoints.PublicApi.ApiVersion;
                document.Info.Description = "Public, protected and admin endpoints behind API Gateway Lambda authorizers.";
                // "http://host/" → "http://host": generators join it with paths that start with '/'.
                foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
                foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>()) tag.Description ??= TagDescription(tag.Name);
                document.Components ??= new OpenApiComponents();
                OpenApiProblemResponses.AddSchemas(document.Components);
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "TOKEN authorizer: Authorization: Bearer <JWT> (role and permissions claims).",
                };
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Query,
                    Name = "api_key",
                    Description = "REQUEST authorizer: API key in the api_key query parameter.",
                };
                document.Components.SecuritySchemes[CustomHeaderScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = "X-Custom-Auth",
                    Description = "REQUEST authorizer: custom credential header (or an allowlisted source IP).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var authorizer = context.Description.ActionDescriptor.EndpointMetadata.OfType<GatewayAuthorizerMetadata>().FirstOrDefault();
                operation.Security ??= [];
                if (authorizer is null) return Task.CompletedTask;                  // no authorizer: `security: []`, callable by anyone
                var document = context.Document;
                if (authorizer.AuthorizerName == AuthorizerNames.Token)
                {
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
                }
                else
                {
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] });
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CustomHeaderScheme, document)] = [] });
                }
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(OpenApiProblemResponses.TransformAsync);
        });

    private static string? TagDescription(string? tag) => tag switch
    {
        "Public" => "No credential needed.",
        "Protected" => "Behind a Lambda authorizer; the route table decides who may call.",
        "Admin" => "Principals, keys, usage and the route table (role admin; writes need step-up).",
        "MFA" => "TOTP enrollment and step-up verification.",
        _ => null,
    };

    /// <summary>GET /openapi/v1.json on Kestrel. Not mapped on Lambda: API Gateway has no route for it, and it costs cold start.</summary>
    public static IEndpointRouteBuilder MapSecureApiOpenApi(this IEndpointRouteBuilder app)
    {
        if (!LambdaEnvironment.IsLambda) app.MapOpenApi();
        return app;
    }
}
