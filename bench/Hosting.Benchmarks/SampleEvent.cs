namespace Hosting.Benchmarks;

/// <summary>A realistic REST API proxy event for GET /Prod/hello?name=Ada (about 2 kB, like API Gateway sends).</summary>
internal static class SampleEvent
{
    public const string Json = """
        {
          "resource": "/{proxy+}",
          "path": "/hello",
          "httpMethod": "GET",
          "headers": {
            "Accept": "application/json", "Accept-Encoding": "gzip, deflate, br", "CloudFront-Forwarded-Proto": "https",
            "CloudFront-Is-Desktop-Viewer": "true", "CloudFront-Viewer-Country": "DE", "Host": "abc123.execute-api.us-east-1.amazonaws.com",
            "User-Agent": "curl/8.5.0", "Via": "2.0 f0c3a1b2.cloudfront.net (CloudFront)", "X-Amz-Cf-Id": "kXk3F9J7iA==",
            "X-Amzn-Trace-Id": "Root=1-6744a1b2-0123456789abcdef01234567", "X-Forwarded-For": "203.0.113.7, 130.176.0.1",
            "X-Forwarded-Port": "443", "X-Forwarded-Proto": "https"
          },
          "multiValueHeaders": {
            "Accept": ["application/json"], "Accept-Encoding": ["gzip, deflate, br"], "CloudFront-Forwarded-Proto": ["https"],
            "CloudFront-Is-Desktop-Viewer": ["true"], "CloudFront-Viewer-Country": ["DE"], "Host": ["abc123.execute-api.us-east-1.amazonaws.com"],
            "User-Agent": ["curl/8.5.0"], "Via": ["2.0 f0c3a1b2.cloudfront.net (CloudFront)"], "X-Amz-Cf-Id": ["kXk3F9J7iA=="],
            "X-Amzn-Trace-Id": ["Root=1-6744a1b2-0123456789abcdef01234567"], "X-Forwarded-For": ["203.0.113.7, 130.176.0.1"],
            "X-Forwarded-Port": ["443"], "X-Forwarded-Proto": ["https"]
          },
          "queryStringParameters": { "name": "Ada" },
          "multiValueQueryStringParameters": { "name": ["Ada"] },
          "pathParameters": { "proxy": "hello" },
          "stageVariables": null,
          "requestContext": {
            "resourceId": "a1b2c3", "resourcePath": "/{proxy+}", "httpMethod": "GET", "extendedRequestId": "BQGojGmXoAMFsQw=",
            "requestTime": "24/Nov/2026:22:00:00 +0000", "path": "/Prod/hello", "accountId": "123456789012", "protocol": "HTTP/1.1",
            "stage": "Prod", "domainPrefix": "abc123", "requestTimeEpoch": 1795557600000,
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": { "sourceIp": "203.0.113.7", "userAgent": "curl/8.5.0", "accessKey": null, "caller": null, "user": null },
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com", "apiId": "abc123",
            "authorizer": { "principalId": "user-1", "role": "user", "permissions": "read", "authType": "jwt", "integrationLatency": 12 }
          },
          "body": null,
          "isBase64Encoded": false
        }
        """;
}
