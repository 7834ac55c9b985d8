using System.Text.Json;
using SecureApi.AuthorizationStore;
using SecureApi.AuthorizerContract;
using SecureApi.TokenService.Tokens;

namespace SecureApi.TokenService;

/// <summary>
/// POST /oauth2/token (RFC 7522 saml2-bearer; errors as RFC 6749 §5.2, every answer Cache-Control: no-store) and
/// GET /.well-known/jwks.json (the signing key's public half). Both are public routes: the caller has no token yet.
/// </summary>
public static partial class TokenApi
{
    public const string TokenPath = "/oauth2/token";
    public const string JwksPath = "/.well-known/jwks.json";

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(TokenPath, ExchangeAsync);
        app.MapGet(JwksPath, JwksAsync);
        return app;
    }

    private static async Task ExchangeAsync(HttpContext context, TokenExchange exchange, ILogger<TokenExchange> logger)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        try
        {
            var form = await ReadFormAsync(context.Request).ConfigureAwait(false);
            var result = await exchange.ExchangeAsync(Single(form, "grant_type"), Single(form, "assertion"), Single(form, "scope"), context.RequestAborted)
                .ConfigureAwait(false);
            Log.Issued(logger, result.Assertion.IdentityProvider.Name, result.Token.ExpiresIn);
            await WriteJsonAsync(response, StatusCodes.Status200OK, w =>
            {
                w.WriteString("access_token", result.Token.AccessToken);
                w.WriteString("token_type", "Bearer");
                w.WriteNumber("expires_in", result.Token.ExpiresIn);
                w.WriteString("scope", result.Token.Scope);
            }).ConfigureAwait(false);
        }
        catch (OAuthErrorException e)
        {
            Log.Refused(logger, e.Error, e.Description);
            await WriteJsonAsync(response, StatusCodes.Status400BadRequest, w =>
            {
                w.WriteString("error", e.Error);
                w.WriteString("error_description", e.Description);
            }).ConfigureAwait(false);
        }
        catch (AuthorizationStoreUnavailableException e)
        {
            // Replay cache or KMS unreachable: no token without the one-use check and the real key (fail closed).
            Log.Unavailable(logger, e.Message);
            response.Headers.RetryAfter = "1";
            await WriteJsonAsync(response, StatusCodes.Status503ServiceUnavailable, w =>
            {
                w.WriteString("error", "temporarily_unavailable");
                w.WriteString("error_description", "The token service cannot check or sign tokens right now; retry shortly.");
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug, not the caller's fault: no token, and nothing of the exception in the answer or the log line.
            Log.Failed(logger, e.GetType().Name);
            await WriteJsonAsync(response, StatusCodes.Status500InternalServerError, w =>
            {
                w.WriteString("error", "server_error");
                w.WriteString("error_description", "The token service failed; no token was issued.");
            }).ConfigureAwait(false);
        }
    }

    private static async Task JwksAsync(HttpContext context, ITokenSigner signer)
    {
        var key = await signer.PublicKeyAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.CacheControl = "public, max-age=300";
        await WriteJsonAsync(context.Response, StatusCodes.Status200OK, w => WriteJwksKeys(w, key)).ConfigureAwait(false);
    }

    /// <summary>The JWKS document of <paramref name="key"/>, as GET /.well-known/jwks.json serves it (the local stage trusts it inline).</summary>
    public static string JwksJson(SigningKey key)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteJwksKeys(w, key);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteJwksKeys(Utf8JsonWriter w, SigningKey key)
    {
        w.WriteStartArray("keys");
        w.WriteStartObject();
        w.WriteString("kty", "RSA");
        w.WriteString("use", "sig");
        w.WriteString("alg", "RS256");
        w.WriteString("kid", key.KeyId);
        w.WriteString("n", SigningKey.Base64Url(key.PublicKey.Modulus!));
        w.WriteString("e", SigningKey.Base64Url(key.PublicKey.Exponent!));
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request)
    {
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
            throw OAuthErrorException.InvalidRequest("The body must be application/x-www-form-urlencoded.");
        try
        {
            return await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            throw OAuthErrorException.InvalidRequest("The form exceeds its limits (one assertion of at most 64 KB and two short parameters).");
        }
    }

    /// <summary>A parameter given at most once (RFC 6749 §3.2); a repeated one is invalid_request.</summary>
    private static string? Single(IFormCollection form, string name)
    {
        var values = form[name];
        if (values.Count > 1) throw OAuthErrorException.InvalidRequest($"The {name} parameter is repeated.");
        return values.Count == 1 ? values[0] : null;
    }

    private static async Task WriteJsonAsync(HttpResponse response, int status, Action<Utf8JsonWriter> write)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        await response.Body.WriteAsync(buffer.ToArray()).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.TokenIssued, EventName = nameof(LogEvents.TokenIssued), Level = LogLevel.Information,
            Message = "Token issued for an assertion of IdP {IdentityProvider}, valid {ExpiresIn} s")]
        public static partial void Issued(ILogger logger, string identityProvider, int expiresIn);

        // The description is ours and names no part of the assertion.
        [LoggerMessage(EventId = LogEvents.TokenGrantRefused, EventName = nameof(LogEvents.TokenGrantRefused), Level = LogLevel.Information,
            Message = "Token request refused: {Error} ({Description})")]
        public static partial void Refused(ILogger logger, string error, string description);

        [LoggerMessage(EventId = LogEvents.TokenServiceUnavailable, EventName = nameof(LogEvents.TokenServiceUnavailable), Level = LogLevel.Warning,
            Message = "Token request failed closed (503): {Reason}")]
        public static partial void Unavailable(ILogger logger, string reason);

        [LoggerMessage(EventId = LogEvents.TokenServiceFailed, EventName = nameof(LogEvents.TokenServiceFailed), Level = LogLevel.Error,
            Message = "Token request failed with {ExceptionType}; answered 500 without a token")]
        public static partial void Failed(ILogger logger, string exceptionType);
    }
}
