using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Lambda.AspNetCoreServer.Tests;

public sealed class RequestMarshallingTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private Recorder _recorder = null!;

    public async Task InitializeAsync() => (_app, _recorder) = await TestApp.StartRecordingAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<Seen> SendAsync(APIGatewayProxyRequest request)
    {
        var response = await _app.InvokeAsync(request);
        Assert.Equal(200, response.StatusCode);
        return _recorder.Last!;
    }

    // ---- docs/wire-contracts.md §2.3 path and PathBase: the examples there plus custom domains ----

    public static TheoryData<string?, string, string?, string, string, string> PathCases => new()
    {
        // resource, pathParameters (k=v;k=v), path, requestContext.path, expected Path, expected PathBase
        { "/{proxy+}", "proxy=foo", "/foo/", "/Prod/foo/", "/foo/", "/Prod" },
        { "/path/{foo}/{proxy+}", "proxy=api;foo=bar", "/path/bar/api", "/path/bar/api", "/path/bar/api", "" },
        { "/api/{proxy+}", "proxy=resourcepath", "/test/api/resourcepath", null!, "/api/resourcepath", "" },
        { "/{proxy+}", "proxy=foo%2Fbar", "/foo%2Fbar", "/Prod/foo%2Fbar/", "/foo%2Fbar/", "/Prod" },
        { "/{proxy+}", "proxy=foo%20bar", "/foo%20bar", "/Prod/foo%20bar", "/foo bar", "/Prod" },
        { "/{proxy+}", "proxy=foo+bar", "/foo+bar", "/Prod/foo+bar", "/foo+bar", "/Prod" },
        { "/{proxy+}", "proxy=foo%25bar", "/foo%25bar", "/Prod/foo%25bar/", "/foo%bar/", "/Prod" },
        { null, "proxy=/api/resourcepath", "/api/resourcepath", null!, "/api/resourcepath", "" },
        { "/orders/{id}", "id=42", "/orders/42", "/Prod/orders/42", "/orders/42", "/Prod" },
        { "/", "", "/", "/Prod/", "/", "/Prod" },
        // custom domain without base path mapping: requestContext.path has no stage
        { "/{proxy+}", "proxy=orders/42", "/orders/42", "/orders/42", "/orders/42", "" },
        // missing leading slash in the path field
        { "/{proxy+}", "", "orders", null!, "/orders", "" },
    };

    [Theory]
    [MemberData(nameof(PathCases))]
    public async Task Path_and_PathBase_follow_the_resource_proxy_and_stage_rules(
        string? resource, string pathParameters, string? path, string? stagePath, string expectedPath, string expectedPathBase)
    {
        var request = Events.Get("/x");
        request.Resource = resource;
        request.Path = path;
        request.PathParameters = pathParameters.Length == 0 ? null : pathParameters.Split(';')
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        request.RequestContext!.Path = stagePath;

        var seen = await SendAsync(request);

        Assert.Equal(expectedPath, seen.Path);
        Assert.Equal(expectedPathBase, seen.PathBase);
    }

    [Fact]
    public async Task Encoded_slash_in_the_path_stays_encoded_so_it_cannot_split_a_route_segment()
    {
        var request = Events.Get("/files/a%2Fb");
        var seen = await SendAsync(request);
        Assert.Equal("/files/a%2Fb", seen.Path);
    }

    [Fact]
    public async Task RawTarget_is_the_raw_path_plus_the_rebuilt_query()
    {
        var request = Events.Get("/foo%20bar");
        request.QueryStringParameters = new Dictionary<string, string> { ["greeting"] = "hello world" };
        var seen = await SendAsync(request);
        Assert.Equal("/foo%20bar?greeting=hello+world", seen.RawTarget);
    }

    // ---- §2.4 query string ----

    [Fact]
    public async Task Multi_value_query_map_wins_over_the_single_value_map()
    {
        var request = Events.Get("/q");
        request.QueryStringParameters = new Dictionary<string, string> { ["tag"] = "last-only", ["single"] = "x" };
        request.MultiValueQueryStringParameters = new Dictionary<string, IList<string>> { ["tag"] = ["a", "b"] };
        var seen = await SendAsync(request);
        Assert.Equal(["a", "b"], seen.Query["tag"]);
        Assert.False(seen.Query.ContainsKey("single"));
    }

    [Fact]
    public async Task Single_value_query_map_is_used_when_the_multi_value_map_is_null()
    {
        var request = Events.Get("/q");
        request.QueryStringParameters = new Dictionary<string, string> { ["page"] = "2" };
        request.MultiValueQueryStringParameters = null;
        var seen = await SendAsync(request);
        Assert.Equal(["2"], seen.Query["page"]);
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("a+b")]
    [InlineData("b%40r")]
    [InlineData("x&y=z")]
    [InlineData("Grüße 😀")]
    [InlineData("")]
    public async Task Query_values_arrive_in_the_app_exactly_as_API_Gateway_decoded_them(string value)
    {
        var request = Events.Get("/q");
        request.MultiValueQueryStringParameters = new Dictionary<string, IList<string>> { ["v"] = [value], ["k y&"] = ["1"] };
        var seen = await SendAsync(request);
        Assert.Equal([value], seen.Query["v"]);
        Assert.Equal(["1"], seen.Query["k y&"]);
    }

    [Fact]
    public async Task Null_maps_give_an_empty_query_string_and_only_synthesised_headers()
    {
        var request = Events.Get("/q");
        request.Headers = null;
        request.MultiValueHeaders = null;
        request.QueryStringParameters = null;
        request.MultiValueQueryStringParameters = null;
        request.PathParameters = null;
        var seen = await SendAsync(request);
        Assert.Equal("", seen.QueryString);
        Assert.Equal(["Content-Length", "Host"], seen.Headers.Keys.Order(StringComparer.Ordinal));
    }

    // ---- §2.5 headers ----

    [Fact]
    public async Task Multi_value_headers_win_over_single_value_headers()
    {
        var request = Events.Get("/h");
        request.Headers = new Dictionary<string, string> { ["X-Tag"] = "single", ["X-Only-Single"] = "1", ["Host"] = "h" };
        request.MultiValueHeaders = new Dictionary<string, IList<string>> { ["X-Tag"] = ["a", "b"], ["Host"] = ["h"] };
        var seen = await SendAsync(request);
        Assert.Equal(new Microsoft.Extensions.Primitives.StringValues(["a", "b"]), seen.Headers["X-Tag"]);
        Assert.False(seen.Headers.ContainsKey("X-Only-Single"));
    }

    [Fact]
    public async Task Header_names_are_case_insensitive()
    {
        var request = Events.Get("/h");
        request.Headers = new Dictionary<string, string> { ["x-api-version"] = "3", ["Host"] = "h" };
        var seen = await SendAsync(request);
        Assert.Equal("3", seen.Headers["X-API-Version"].ToString());
    }

    [Fact]
    public async Task Missing_Host_header_becomes_apigateway_apiId_stage()
    {
        var request = Events.Get("/h");
        request.Headers = new Dictionary<string, string> { ["Accept"] = "*/*" };
        var seen = await SendAsync(request);
        Assert.Equal("apigateway-abc123-Prod", seen.Headers.Host.ToString());
    }

    // ---- §2.6 body ----

    [Fact]
    public async Task Utf8_body_reaches_the_app_with_a_synthesised_Content_Length()
    {
        var request = Events.Get("/b");
        request.HttpMethod = "POST";
        request.Body = """{"name":"Zoë"}""";
        var seen = await SendAsync(request);
        Assert.Equal(request.Body, System.Text.Encoding.UTF8.GetString(seen.Body));
        Assert.Equal("15", seen.Headers.ContentLength.ToString());
        Assert.True(seen.CanHaveBody);
    }

    [Fact]
    public async Task Base64_body_of_300_kB_is_decoded_byte_for_byte()
    {
        var bytes = new byte[300 * 1024];
        new Random(42).NextBytes(bytes);
        var request = Events.Get("/upload");
        request.HttpMethod = "PUT";
        request.Body = Convert.ToBase64String(bytes);
        request.IsBase64Encoded = true;
        var seen = await SendAsync(request);
        Assert.Equal(bytes, seen.Body);
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), seen.Headers.ContentLength.ToString());
    }

    [Fact]
    public async Task Request_without_body_has_Content_Length_zero_and_cannot_have_a_body()
    {
        var seen = await SendAsync(Events.Get("/nobody"));
        Assert.Empty(seen.Body);
        Assert.Equal("0", seen.Headers.ContentLength.ToString());
        Assert.False(seen.CanHaveBody);
    }

    [Fact]
    public async Task Body_marked_base64_that_is_not_base64_fails_the_invocation_with_a_clear_error()
    {
        var request = Events.Get("/upload");
        request.Body = "not base64!";
        request.IsBase64Encoded = true;
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _app.InvokeAsync(request));
        Assert.Contains("isBase64Encoded", error.Message, StringComparison.Ordinal);
    }

    // ---- §2.2 and §2.7 request line and connection ----

    [Fact]
    public async Task Method_is_verbatim_scheme_is_https_and_protocol_comes_from_the_request_context()
    {
        var request = Events.Get("/m");
        request.HttpMethod = "DELETE";
        request.RequestContext!.Protocol = "HTTP/2.0";
        var seen = await SendAsync(request);
        Assert.Equal(("DELETE", "https", "HTTP/2.0"), (seen.Method, seen.Scheme, seen.Protocol));
    }

    [Fact]
    public async Task Protocol_defaults_to_HTTP_1_1()
    {
        var request = Events.Get("/m");
        request.RequestContext!.Protocol = null;
        Assert.Equal("HTTP/1.1", (await SendAsync(request)).Protocol);
    }

    [Fact]
    public async Task RemoteIpAddress_comes_from_identity_sourceIp_and_RemotePort_from_X_Forwarded_Port()
    {
        var request = Events.Get("/c");
        request.Headers!["X-Forwarded-Port"] = "443";
        var seen = await SendAsync(request);
        Assert.Equal(("203.0.113.7", 443), (seen.RemoteIp, seen.RemotePort));
    }

    [Theory]
    [InlineData("not-a-port")]
    [InlineData("99999999999")]
    public async Task Garbage_X_Forwarded_Port_leaves_RemotePort_zero_instead_of_failing(string port)
    {
        var request = Events.Get("/c");
        request.Headers!["X-Forwarded-Port"] = port;
        Assert.Equal(0, (await SendAsync(request)).RemotePort);
    }

    [Fact]
    public async Task Client_certificate_from_mutual_TLS_is_the_connection_client_certificate()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var certificateRequest = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=client.example", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = certificateRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await using var app = await TestApp.StartAsync(a => a.Run(c =>
            c.Response.WriteAsync(c.Connection.ClientCertificate?.Subject ?? "none")));

        var withCertificate = Events.Get("/m");
        withCertificate.RequestContext!.Identity!.ClientCert = new APIGatewayProxyRequest.ProxyRequestClientCert
        {
            ClientCertPem = certificate.ExportCertificatePem() + "\n",
        };
        var withoutCertificate = Events.Get("/m");

        Assert.Equal("CN=client.example", (await app.InvokeAsync(withCertificate)).Body);
        Assert.Equal("none", (await app.InvokeAsync(withoutCertificate)).Body);
    }

    // ---- §2.9 items (the user: AuthorizerUserTests) ----

    [Fact]
    public async Task Items_hold_the_lambda_context_and_the_request_object_and_missing_keys_read_as_null()
    {
        var request = Events.Get("/i");
        var context = new TestLambdaContext();
        await _app.InvokeAsync(request, context);
        var seen = _recorder.Last!;
        Assert.Same(context, seen.LambdaContextItem);
        Assert.Same(request, seen.LambdaRequestObjectItem);
        Assert.Null(seen.MissingItem);
    }

    // ---- hooks ----

    [Fact]
    public async Task PostMarshall_hooks_run_with_the_feature_the_request_and_the_lambda_context()
    {
        await using var app = await TestApp.StartAsync(
            a => a.Run(c => c.Response.WriteAsync(c.Request.Headers["X-Hooked"].ToString())),
            o => o.PostMarshallRequestFeature = (feature, request, context) =>
                feature.Headers["X-Hooked"] = $"{((APIGatewayProxyRequest)request).RequestContext!.RequestId}/{context.FunctionName}");
        var response = await app.InvokeAsync(Events.Get("/x"));
        Assert.Equal("req-1/hosting-tests", response.Body);
    }
}
