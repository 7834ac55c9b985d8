using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Lambda.AspNetCoreServer.Internal;

/// <summary>
/// Response features → <see cref="APIGatewayProxyResponse"/> (docs/wire-contracts.md §2.10): every header in <c>multiValueHeaders</c>,
/// <c>headers: {}</c>, <c>Content-Type: [null]</c> when the app set none, base64 for binary or compressed bodies.
/// </summary>
internal static class ResponseMarshaller
{
    public static APIGatewayProxyResponse Marshal(InvokeFeatures features, HostingOptions options)
    {
        var headers = features.ResponseHeaders;
        var multiValueHeaders = new Dictionary<string, IList<string?>>(headers.Count + 1, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            multiValueHeaders[name] = values.ToArray();
        }
        if (!headers.ContainsKey(HeaderNames.ContentType))
        {
            // Without an explicit null, API Gateway answers "Content-Type: application/json".
            multiValueHeaders[HeaderNames.ContentType] = new string?[] { null };
        }

        var status = features.StatusCode == 0 ? StatusCodes.Status200OK : features.StatusCode;
        var response = new APIGatewayProxyResponse
        {
            StatusCode = status,
            Headers = new Dictionary<string, string>(0),
            MultiValueHeaders = multiValueHeaders,
            Body = "",
        };

        var body = features.ResponseBody;
        if (body.Length == 0 || status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            return response;
        }
        var bytes = new ReadOnlySpan<byte>(body.GetBuffer(), 0, (int)body.Length);
        if (Encoding(headers, options) == ResponseContentEncoding.Base64)
        {
            response.Body = Convert.ToBase64String(bytes);
            response.IsBase64Encoded = true;
        }
        else
        {
            response.Body = System.Text.Encoding.UTF8.GetString(bytes);
        }
        return response;
    }

    /// <summary>First Content-Encoding value if registered (gzip/deflate/br → base64); else the first Content-Type
    /// value without parameters, looked up case-insensitively; else the default.</summary>
    internal static ResponseContentEncoding Encoding(IHeaderDictionary headers, HostingOptions options)
    {
        var contentEncoding = headers.ContentEncoding;
        if (contentEncoding.Count > 0 && contentEncoding[0] is { Length: > 0 } coding
            && options.ContentEncodingEncodings.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(coding.AsSpan().Trim(), out var byCoding))
        {
            return byCoding;
        }
        var contentType = headers.ContentType;
        if (contentType.Count > 0 && contentType[0] is { Length: > 0 } type)
        {
            var span = type.AsSpan();
            var semicolon = span.IndexOf(';');
            if (semicolon >= 0)
            {
                span = span[..semicolon];
            }
            if (options.ContentTypeEncodings.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(span.Trim(), out var byType))
            {
                return byType;
            }
        }
        return options.DefaultResponseContentEncoding;
    }
}
