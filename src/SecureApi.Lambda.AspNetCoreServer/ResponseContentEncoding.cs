namespace SecureApi.Lambda.AspNetCoreServer;

/// <summary>How a response body is put into the proxy response's <c>body</c> string.</summary>
public enum ResponseContentEncoding
{
    /// <summary>UTF-8 text, <c>isBase64Encoded: false</c>.</summary>
    Default,

    /// <summary>Base64 of the raw bytes, <c>isBase64Encoded: true</c> (binary content and compressed bodies).</summary>
    Base64,
}
