using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using SecureApi.Lambda.Core;

namespace SecureApi.Lambda.AspNetCoreServer;

/// <summary>
/// Options for <c>AddLambdaHosting</c>. Secure defaults: no exception detail ever reaches a response
/// (<see cref="IncludeUnhandledExceptionDetailInResponse"/> is off); binary content types and compressed bodies
/// are sent base64 so they are not corrupted (the API still needs matching <c>binaryMediaTypes</c>).
/// </summary>
public sealed class HostingOptions
{
    private readonly Dictionary<string, ResponseContentEncoding> _contentTypeEncodings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text/plain"] = ResponseContentEncoding.Default,
        ["text/xml"] = ResponseContentEncoding.Default,
        ["application/xml"] = ResponseContentEncoding.Default,
        ["application/json"] = ResponseContentEncoding.Default,
        ["text/html"] = ResponseContentEncoding.Default,
        ["text/css"] = ResponseContentEncoding.Default,
        ["text/javascript"] = ResponseContentEncoding.Default,
        ["text/ecmascript"] = ResponseContentEncoding.Default,
        ["text/markdown"] = ResponseContentEncoding.Default,
        ["text/csv"] = ResponseContentEncoding.Default,
        ["application/octet-stream"] = ResponseContentEncoding.Base64,
        ["image/png"] = ResponseContentEncoding.Base64,
        ["image/gif"] = ResponseContentEncoding.Base64,
        ["image/jpeg"] = ResponseContentEncoding.Base64,
        ["image/jpg"] = ResponseContentEncoding.Base64,
        ["image/x-icon"] = ResponseContentEncoding.Base64,
        ["application/zip"] = ResponseContentEncoding.Base64,
        ["application/pdf"] = ResponseContentEncoding.Base64,
        ["application/x-protobuf"] = ResponseContentEncoding.Base64,
        ["application/wasm"] = ResponseContentEncoding.Base64,
    };

    private readonly Dictionary<string, ResponseContentEncoding> _contentEncodingEncodings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gzip"] = ResponseContentEncoding.Base64,
        ["deflate"] = ResponseContentEncoding.Base64,
        ["br"] = ResponseContentEncoding.Base64,
    };

    /// <summary>Serializer for the proxy event and response; null uses the source-generated API Gateway context.</summary>
    public ILambdaSerializer? Serializer { get; set; }

    /// <summary>Encoding for content types not in the table (default: UTF-8 text).</summary>
    public ResponseContentEncoding DefaultResponseContentEncoding { get; set; } = ResponseContentEncoding.Default;

    /// <summary>Off by default. When on, a 500 from an unhandled exception carries <c>ErrorType: {short type name}</c>.</summary>
    public bool IncludeUnhandledExceptionDetailInResponse { get; set; }

    // Hooks run after each feature is marshalled: (feature, APIGatewayProxyRequest, ILambdaContext); the response
    // hook runs after the proxy response is built: (feature, APIGatewayProxyResponse, ILambdaContext).
    public Action<IHttpRequestFeature, object, ILambdaContext>? PostMarshallRequestFeature { get; set; }
    public Action<IHttpResponseFeature, object, ILambdaContext>? PostMarshallResponseFeature { get; set; }
    public Action<IHttpConnectionFeature, object, ILambdaContext>? PostMarshallConnectionFeature { get; set; }
    public Action<IHttpAuthenticationFeature, object, ILambdaContext>? PostMarshallHttpAuthenticationFeature { get; set; }
    public Action<ITlsConnectionFeature, object, ILambdaContext>? PostMarshallTlsConnectionFeature { get; set; }
    public Action<IItemsFeature, object, ILambdaContext>? PostMarshallItemsFeature { get; set; }

    /// <summary>Registers how bodies of <paramref name="contentType"/> (no parameters, case-insensitive) are encoded.</summary>
    public void RegisterResponseContentEncodingForContentType(string contentType, ResponseContentEncoding encoding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        _contentTypeEncodings[contentType.Trim()] = encoding;
    }

    /// <summary>Registers how bodies with <c>Content-Encoding: <paramref name="contentEncoding"/></c> are encoded.</summary>
    public void RegisterResponseContentEncodingForContentEncoding(string contentEncoding, ResponseContentEncoding encoding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentEncoding);
        _contentEncodingEncodings[contentEncoding.Trim()] = encoding;
    }

    internal Dictionary<string, ResponseContentEncoding> ContentTypeEncodings => _contentTypeEncodings;
    internal Dictionary<string, ResponseContentEncoding> ContentEncodingEncodings => _contentEncodingEncodings;
}
