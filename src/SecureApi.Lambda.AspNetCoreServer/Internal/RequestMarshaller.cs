using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.Lambda.Core;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>
/// REST API proxy event (payload format 1.0) → ASP.NET Core request features, rule by rule as stated in
/// docs/wire-contracts.md §2.2–2.9 (Amazon.Lambda.AspNetCoreServer's rules, deviations marked there).
/// </summary>
internal static class RequestMarshaller
{
    public static void Marshal(APIGatewayProxyRequest request, ILambdaContext lambdaContext, InvokeFeatures features, HostingOptions options)
    {
        // §2.2 method, scheme, protocol
        features.Method = string.IsNullOrEmpty(request.HttpMethod) ? HttpMethods.Get : request.HttpMethod;
        features.Scheme = "https";
        features.Protocol = request.RequestContext?.Protocol is { Length: > 0 } protocol ? protocol : "HTTP/1.1";

        // §2.3 path, path base, raw target; §2.4 query string
        var (path, pathBase) = PathAndPathBase(request);
        features.Path = DecodePath(path);
        features.PathBase = DecodePath(pathBase);
        var query = QueryString(request);
        features.QueryString = query;
        features.RawTarget = query.Length == 0 ? request.Path ?? path : (request.Path ?? path) + query;

        // §2.6 body (before headers: Content-Length is synthesised from it)
        var body = Body(request);
        features.RequestBody = body is null ? Stream.Null : new MemoryStream(body, 0, body.Length, writable: false, publiclyVisible: true);
        features.CanHaveBody = body is { Length: > 0 };

        // §2.5 headers
        IHeaderDictionary headers = Headers(request);
        if (!headers.ContainsKey(HeaderNames.Host))
        {
            headers.Host = $"apigateway-{request.RequestContext?.ApiId}-{request.RequestContext?.Stage}";
        }
        if (!headers.ContainsKey(HeaderNames.ContentLength))
        {
            headers.ContentLength = body?.Length ?? 0;
        }
        features.RequestHeaders = headers;
        features.ResponseHeaders = new HeaderDictionary();
        options.PostMarshallRequestFeature?.Invoke(features, request, lambdaContext);

        // §2.7 connection and TLS
        var identity = request.RequestContext?.Identity;
        features.ConnectionId = request.RequestContext?.ConnectionId ?? "";
        if (IPAddress.TryParse(identity?.SourceIp, out var remoteIp))
        {
            features.RemoteIpAddress = remoteIp;
        }
        if (int.TryParse(headers["X-Forwarded-Port"], out var remotePort))
        {
            features.RemotePort = remotePort;
        }
        options.PostMarshallConnectionFeature?.Invoke(features, request, lambdaContext);
        features.ClientCertificatePem = identity?.ClientCert?.ClientCertPem;
        if (features.ClientCertificatePem is not null)
        {
            options.PostMarshallTlsConnectionFeature?.Invoke(features, request, lambdaContext);
        }

        // §2.9 items and the user from the authorizer context (§2.8 TraceIdentifier is read lazily from _X_AMZN_TRACE_ID by the features)
        var items = new ItemsDictionary
        {
            [LambdaItemKeys.LambdaContext] = lambdaContext,
            [LambdaItemKeys.LambdaRequestObject] = request,
        };
        features.Items = items;
        options.PostMarshallItemsFeature?.Invoke(features, request, lambdaContext);
        features.UseAuthorizer(request.RequestContext?.Authorizer);
        options.PostMarshallHttpAuthenticationFeature?.Invoke(features, request, lambdaContext);
    }

    /// <summary>§2.3 steps 1–2: candidate path from resource + pathParameters (else <c>path</c>), then the
    /// stage (or base-path) prefix of <c>requestContext.path</c> as PathBase, with the trailing-slash fix-ups.</summary>
    internal static (string Path, string PathBase) PathAndPathBase(APIGatewayProxyRequest request)
    {
        string candidate;
        if (request.PathParameters is { } parameters && !string.IsNullOrEmpty(request.Resource)
            && parameters.TryGetValue("proxy", out var proxy))
        {
            candidate = request.Resource.Replace("{proxy+}", proxy ?? "", StringComparison.Ordinal);
            foreach (var (name, value) in parameters)
            {
                if (name != "proxy")
                {
                    candidate = candidate.Replace("{" + name + "}", value ?? "", StringComparison.Ordinal);
                }
            }
        }
        else
        {
            candidate = request.Path ?? "";
        }
        if (!candidate.StartsWith('/'))
        {
            candidate = "/" + candidate;
        }

        var stagePath = request.RequestContext?.Path;
        if (string.IsNullOrEmpty(stagePath))
        {
            return (candidate, "");
        }
        if (candidate.EndsWith('/') && !stagePath.EndsWith('/'))
        {
            stagePath += "/";
        }
        else if (!candidate.EndsWith('/') && stagePath.EndsWith('/'))
        {
            candidate += "/";
        }
        var pathBase = stagePath.Length > candidate.Length && stagePath.EndsWith(candidate, StringComparison.Ordinal)
            ? stagePath[..^candidate.Length]
            : "";
        return (candidate, pathBase);
    }

    /// <summary>§2.3 step 3: <c>+</c> stays literal, <c>%2F</c> stays encoded (so it can't fake a path
    /// separator), everything else is percent-decoded.</summary>
    internal static string DecodePath(string path)
    {
        if (!path.Contains('%'))
        {
            return path; // nothing to decode, and '+' is literal anyway: no allocation on the common path
        }
        var escaped = path.Replace("+", "%2B", StringComparison.Ordinal)
            .Replace("%2F", "%252F", StringComparison.Ordinal)
            .Replace("%2f", "%252f", StringComparison.Ordinal);
        return WebUtility.UrlDecode(escaped);
    }

    /// <summary>§2.4: the multi-value map alone when it has entries, else the single-value map. API Gateway has
    /// already decoded the values, so keys and values are re-encoded (encoding keys too is a deliberate, safe
    /// deviation: a decoded key containing '&amp;' or '=' would otherwise split into bogus parameters).</summary>
    internal static string QueryString(APIGatewayProxyRequest request)
    {
        if (request.MultiValueQueryStringParameters is { Count: > 0 } multi)
        {
            var builder = new StringBuilder();
            foreach (var (key, values) in multi)
            {
                if (values is null || values.Count == 0)
                {
                    Append(builder, key, "");
                    continue;
                }
                foreach (var value in values)
                {
                    Append(builder, key, value);
                }
            }
            return builder.ToString();
        }
        if (request.QueryStringParameters is { Count: > 0 } single)
        {
            if (single.Count == 1)
            {
                foreach (var (key, value) in single)
                {
                    return string.Concat("?", WebUtility.UrlEncode(key), "=", WebUtility.UrlEncode(value ?? ""));
                }
            }
            var builder = new StringBuilder();
            foreach (var (key, value) in single)
            {
                Append(builder, key, value);
            }
            return builder.ToString();
        }
        return "";

        static void Append(StringBuilder builder, string key, string? value) =>
            builder.Append(builder.Length == 0 ? '?' : '&')
                .Append(WebUtility.UrlEncode(key)).Append('=').Append(WebUtility.UrlEncode(value ?? ""));
    }

    /// <summary>§2.5: the multi-value map alone when it has entries, else the single-value map; case-insensitive,
    /// a later key differing only in case overwrites an earlier one.</summary>
    internal static IHeaderDictionary Headers(APIGatewayProxyRequest request)
    {
        if (request.MultiValueHeaders is { Count: > 0 } multi)
        {
            var headers = new HeaderDictionary(multi.Count + 2);
            foreach (var (name, values) in multi)
            {
                headers[name] = values switch
                {
                    null or { Count: 0 } => StringValues.Empty,
                    { Count: 1 } => new StringValues(values[0]),
                    _ => new StringValues(ToArray(values)),
                };
            }
            return headers;
        }
        if (request.Headers is { Count: > 0 } single)
        {
            var headers = new HeaderDictionary(single.Count + 2);
            foreach (var (name, value) in single)
            {
                headers[name] = value;
            }
            return headers;
        }
        return new HeaderDictionary(2);

        static string[] ToArray(IList<string> values)
        {
            var array = new string[values.Count];
            values.CopyTo(array, 0);
            return array;
        }
    }

    /// <summary>§2.6: base64 when <c>isBase64Encoded</c>, else UTF-8; null when there is no body.</summary>
    internal static byte[]? Body(APIGatewayProxyRequest request)
    {
        if (string.IsNullOrEmpty(request.Body))
        {
            return null;
        }
        if (!request.IsBase64Encoded)
        {
            return Encoding.UTF8.GetBytes(request.Body);
        }
        try
        {
            return Convert.FromBase64String(request.Body);
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException("The proxy event says isBase64Encoded but its body is not valid base64.", ex);
        }
    }
}
