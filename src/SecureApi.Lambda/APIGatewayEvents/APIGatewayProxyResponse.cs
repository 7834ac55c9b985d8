namespace SecureApi.Lambda.APIGatewayEvents;

/// <summary>
/// The Lambda proxy integration response (payload format 1.0). API Gateway merges <see cref="Headers"/>
/// and <see cref="MultiValueHeaders"/>; any other shape is a 502 "Malformed Lambda proxy response".
/// </summary>
public class APIGatewayProxyResponse
{
    public int StatusCode { get; set; }
    public IDictionary<string, string>? Headers { get; set; }

    /// <summary>Values may be null: <c>"Content-Type": [null]</c> stops API Gateway defaulting to application/json.</summary>
    public IDictionary<string, IList<string?>>? MultiValueHeaders { get; set; }
    public string? Body { get; set; }
    public bool IsBase64Encoded { get; set; }
}
