using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using SecureApi.Auth;
using SecureApi.RateLimiting;
using SecureApi.StepUp;

namespace SecureApi.Setup;

/// <summary>
/// Adds to each operation of the OpenAPI document the refusals it can give, read from the endpoint metadata the
/// routes already carry (one home: the route's own declaration), so a generated client knows every problem it may
/// see — behind a Lambda authorizer: 401 and 403 (from the gateway or the route check) and 503 (store down, fail
/// closed); rate-limited: 429 with Retry-After and the RateLimit fields, and the x-secureapi-rate-limit extension;
/// step-up: the RFC 9470 challenge on 401, 429 on lockout, and the x-secureapi-step-up extension. A status the
/// handler already declares (its own 400/404) is kept as it is. See docs/openapi.md.
/// </summary>
internal static class OpenApiProblemResponses
{
    public const string ProblemSchema = "ProblemDetails";
    public const string GatewayMessageSchema = "GatewayMessage";
    public const string StepUpExtension = "x-secureapi-step-up";
    public const string RateLimitExtension = "x-secureapi-rate-limit";
    private const string ProblemJson = "application/problem+json";

    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document;
        var behindAuthorizer = metadata.OfType<GatewayAuthorizerMetadata>().Any();
        var rateLimited = metadata.OfType<EnableRateLimitingAttribute>().Any();
        var stepUp = metadata.OfType<StepUpRequiredMetadata>().Any();
        operation.Responses ??= [];
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();

        if (behindAuthorizer)
        {
            Add(operation, document, "401", stepUp
                ? "No valid credential (the gateway's authorizer), or step-up needed: WWW-Authenticate carries the RFC 9470 challenge."
                : "No valid credential: the gateway's authorizer refused it, or the route check found no authenticated caller.",
                gatewayMessage: true, stepUp ? ChallengeHeader() : null);
            Add(operation, document, "403", "Authenticated but not allowed: the authorizer's policy denies this route, or the route table, principal or key does not allow it.",
                gatewayMessage: true);
        }
        if (rateLimited)
        {
            Add(operation, document, "429", stepUp
                ? "Over the caller's rate window or quota, or locked out after too many wrong step-up codes: retry after Retry-After seconds."
                : "Over the caller's rate window or quota: retry after Retry-After seconds.",
                gatewayMessage: false, RateLimitHeaders());
            operation.Extensions[RateLimitExtension] = new JsonNodeExtension(new JsonObject
            {
                ["policy"] = RateLimitPolicies.Plan,
                ["scope"] = behindAuthorizer ? "principal" : "source-address",
            });
            operation.Description = Append(operation.Description,
                "Rate-limited by the caller's plan (RateLimit and RateLimit-Policy response fields; 429 with Retry-After when over).");
        }
        if (stepUp)
        {
            operation.Extensions[StepUpExtension] = new JsonNodeExtension(true);
            operation.Description = Append(operation.Description,
                "Needs step-up: a fresh MFA login at the identity provider, an open step-up window, or a TOTP code in the X-MFA-Code header (docs/step-up.md).");
        }
        if (behindAuthorizer || rateLimited)
        {
            Add(operation, document, "503", "The authorization store or the rate-limit counters did not answer: refused (fail closed); retry after Retry-After seconds.",
                gatewayMessage: false, RetryAfterHeader());
        }
        return Task.CompletedTask;
    }

    /// <summary>The schemas the responses above refer to; added once by the document transformer.</summary>
    public static void AddSchemas(OpenApiComponents components)
    {
        components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        components.Schemas[ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["requestId"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            },
        };
        components.Schemas[GatewayMessageSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "API Gateway's own refusal (its gateway response), before the API runs.",
            Properties = new Dictionary<string, IOpenApiSchema> { ["message"] = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
    }

    private static void Add(OpenApiOperation operation, OpenApiDocument? document, string status, string description,
        bool gatewayMessage, Dictionary<string, IOpenApiHeader>? headers = null)
    {
        if (operation.Responses!.ContainsKey(status)) return;
        var content = new Dictionary<string, OpenApiMediaType>
        {
            [ProblemJson] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
        };
        if (gatewayMessage) content["application/json"] = new() { Schema = new OpenApiSchemaReference(GatewayMessageSchema, document) };
        operation.Responses[status] = new OpenApiResponse { Description = description, Content = content, Headers = headers };
    }

    private static Dictionary<string, IOpenApiHeader> RetryAfterHeader() => new()
    {
        ["Retry-After"] = new OpenApiHeader { Description = "Whole seconds to wait.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
    };

    private static Dictionary<string, IOpenApiHeader> RateLimitHeaders()
    {
        var headers = RetryAfterHeader();
        headers[RateLimitFields.StateHeader] = new OpenApiHeader { Description = "Remaining requests and reset per policy (IETF RateLimit fields).", Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        headers[RateLimitFields.PolicyHeader] = new OpenApiHeader { Description = "The caller's plan: quota and window per policy.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        return headers;
    }

    private static Dictionary<string, IOpenApiHeader> ChallengeHeader() => new()
    {
        ["WWW-Authenticate"] = new OpenApiHeader
        {
            Description = "Bearer error=\"insufficient_user_authentication\" with acr_values and max_age (RFC 9470), when step-up is needed.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        },
    };

    private static string Append(string? description, string sentence) =>
        string.IsNullOrEmpty(description) ? sentence : description + "\n\n" + sentence;
}
