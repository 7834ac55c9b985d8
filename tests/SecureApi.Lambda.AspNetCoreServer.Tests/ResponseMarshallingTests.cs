using System.IO.Compression;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SecureApi.Lambda.APIGatewayEvents;

namespace SecureApi.Lambda.AspNetCoreServer.Tests;

public sealed class ResponseMarshallingTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0xFF, 0xFE];

    private static async Task<APIGatewayProxyResponse> RespondAsync(RequestDelegate endpoint, Action<HostingOptions>? configure = null)
    {
        await using var app = await TestApp.StartAsync(a => a.Run(endpoint), configure);
        return await app.InvokeAsync(Events.Get("/r"));
    }

    [Fact]
    public async Task Response_json_has_status_empty_headers_object_and_every_header_in_multiValueHeaders()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/r", (HttpContext c) =>
        {
            c.Response.Headers["X-Trace"] = new(["a", "b"]);
            return TypedResults.Text("""{"ok":true}""", "application/json");
        }));

        using var json = JsonDocument.Parse(await app.InvokeJsonAsync(Events.GetJson("/r")));
        var root = json.RootElement;

        Assert.Equal(200, root.GetProperty("statusCode").GetInt32());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("headers").ValueKind);
        Assert.Empty(root.GetProperty("headers").EnumerateObject());
        var multi = root.GetProperty("multiValueHeaders");
        Assert.Equal(["a", "b"], multi.GetProperty("X-Trace").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("application/json", multi.GetProperty("Content-Type")[0].GetString());
        Assert.Equal("""{"ok":true}""", root.GetProperty("body").GetString());
        Assert.False(root.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public async Task PostMarshallResponseFeature_runs_after_the_response_is_built_and_can_change_it()
    {
        object? seen = null;
        var response = await RespondAsync(c => c.Response.WriteAsync("body"), o => o.PostMarshallResponseFeature = (feature, lambdaResponse, _) =>
        {
            seen = lambdaResponse;
            var proxy = (APIGatewayProxyResponse)lambdaResponse;
            proxy.MultiValueHeaders!["X-Added-After-Marshalling"] = [feature.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        });

        Assert.Same(response, seen);
        Assert.Equal("body", response.Body);
        Assert.Equal(["200"], response.MultiValueHeaders!["X-Added-After-Marshalling"]);
    }

    [Fact]
    public async Task Response_without_content_type_sends_Content_Type_null_so_API_Gateway_does_not_default_to_json()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/r", () => TypedResults.Redirect("/elsewhere")));
        using var json = JsonDocument.Parse(await app.InvokeJsonAsync(Events.GetJson("/r")));
        var multi = json.RootElement.GetProperty("multiValueHeaders");
        Assert.Equal(302, json.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, multi.GetProperty("Content-Type")[0].ValueKind);
        Assert.Equal("/elsewhere", multi.GetProperty("Location")[0].GetString());
        Assert.Equal("", json.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Two_cookies_survive_as_two_Set_Cookie_values()
    {
        var response = await RespondAsync(c =>
        {
            c.Response.Cookies.Append("session", "s1", new CookieOptions { HttpOnly = true, Secure = true });
            c.Response.Cookies.Append("theme", "dark");
            return Task.CompletedTask;
        });
        var cookies = response.MultiValueHeaders!["Set-Cookie"];
        Assert.Equal(2, cookies.Count);
        Assert.StartsWith("session=s1", cookies[0], StringComparison.Ordinal);
        Assert.StartsWith("theme=dark", cookies[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Png_response_is_base64_encoded()
    {
        var response = await RespondAsync(c =>
        {
            c.Response.ContentType = "image/png";
            return c.Response.Body.WriteAsync(Png).AsTask();
        });
        Assert.True(response.IsBase64Encoded);
        Assert.Equal(Png, Convert.FromBase64String(response.Body!));
    }

    [Theory]
    [InlineData("IMAGE/PNG", true)]
    [InlineData("application/pdf; name=x.pdf", true)]
    [InlineData(" application/octet-stream ", true)]
    [InlineData("text/html; charset=utf-8", false)]
    [InlineData("application/json; charset=utf-8", false)]
    [InlineData("application/x-unknown", false)]
    public async Task Content_type_table_is_looked_up_case_insensitively_without_parameters(string contentType, bool base64)
    {
        var response = await RespondAsync(c =>
        {
            c.Response.ContentType = contentType;
            return c.Response.WriteAsync("abc");
        });
        Assert.Equal(base64, response.IsBase64Encoded);
        Assert.Equal(base64 ? "YWJj" : "abc", response.Body);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task Compressed_body_is_base64_whatever_its_content_type(string contentEncoding)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("""{"hello":"world"}"""u8);
        }
        var bytes = compressed.ToArray();
        var response = await RespondAsync(c =>
        {
            c.Response.ContentType = "application/json";
            c.Response.Headers.ContentEncoding = contentEncoding;
            return c.Response.Body.WriteAsync(bytes).AsTask();
        });
        Assert.True(response.IsBase64Encoded);
        Assert.Equal(bytes, Convert.FromBase64String(response.Body!));
    }

    [Fact]
    public async Task Content_types_registered_in_HostingOptions_are_base64()
    {
        var response = await RespondAsync(
            c =>
            {
                c.Response.ContentType = "application/vnd.custom-binary";
                return c.Response.Body.WriteAsync(Png).AsTask();
            },
            o => o.RegisterResponseContentEncodingForContentType("application/vnd.custom-binary", ResponseContentEncoding.Base64));
        Assert.True(response.IsBase64Encoded);
        Assert.Equal(Png, Convert.FromBase64String(response.Body!));
    }

    [Fact]
    public async Task No_content_response_has_status_204_and_an_empty_body()
    {
        await using var app = await TestApp.StartAsync(a => a.MapDelete("/r", () => TypedResults.NoContent()));
        var request = Events.Get("/r");
        request.HttpMethod = "DELETE";
        var response = await app.InvokeAsync(request);
        Assert.Equal(204, response.StatusCode);
        Assert.Equal("", response.Body);
        Assert.False(response.IsBase64Encoded);
    }

    [Fact]
    public async Task Status_code_zero_is_sent_as_200()
    {
        var response = await RespondAsync(c =>
        {
            c.Response.StatusCode = 0;
            return Task.CompletedTask;
        });
        Assert.Equal(200, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_route_is_404()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/known", () => "yes"));
        var response = await app.InvokeAsync(Events.Get("/unknown"));
        Assert.Equal(404, response.StatusCode);
    }

    [Fact]
    public async Task OnStarting_runs_after_the_endpoint_and_before_marshalling_and_OnCompleted_after_marshalling()
    {
        var order = new List<string>();
        await using var app = await TestApp.StartAsync(a => a.Run(async c =>
        {
            c.Response.OnStarting(() =>
            {
                order.Add("starting");
                c.Response.Headers["X-Added-On-Starting"] = "yes";
                return Task.CompletedTask;
            });
            c.Response.OnCompleted(() =>
            {
                order.Add("completed");
                c.Response.Headers["X-Added-On-Completed"] = "too late";
                return Task.CompletedTask;
            });
            await c.Response.WriteAsync("body");
            order.Add("endpoint done");
        }));

        var response = await app.InvokeAsync(Events.Get("/r"));

        Assert.Equal(["endpoint done", "starting", "completed"], order);
        Assert.Equal(["yes"], response.MultiValueHeaders!["X-Added-On-Starting"]);
        Assert.False(response.MultiValueHeaders.ContainsKey("X-Added-On-Completed"));
    }

    [Fact]
    public async Task Exception_in_an_endpoint_gives_500_without_detail_and_the_invocation_succeeds()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/boom", (HttpContext c) =>
        {
            c.Response.Headers["X-Half-Written"] = "1";
            throw new InvalidOperationException("secret connection string leaked here");
#pragma warning disable CS0162 // unreachable: gives the lambda a return type
            return TypedResults.Ok();
#pragma warning restore CS0162
        }));

        var json = await app.InvokeJsonAsync(Events.GetJson("/boom")); // no exception: the invoke succeeds

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(500, doc.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal("", doc.RootElement.GetProperty("body").GetString());
        Assert.DoesNotContain("secret", json, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", json, StringComparison.Ordinal);
        Assert.False(doc.RootElement.GetProperty("multiValueHeaders").TryGetProperty("X-Half-Written", out _));
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Error && e.EventId.Id == 5101 && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Exception_type_is_sent_in_ErrorType_only_when_IncludeUnhandledExceptionDetailInResponse_is_on()
    {
        var response = await RespondAsync(
            _ => throw new InvalidOperationException("detail"),
            o => o.IncludeUnhandledExceptionDetailInResponse = true);
        Assert.Equal(500, response.StatusCode);
        Assert.Equal(["InvalidOperationException"], response.MultiValueHeaders!["ErrorType"]);
        Assert.Equal("", response.Body);
    }

    [Fact]
    public async Task Each_invocation_gets_its_own_DI_scope_disposed_afterwards()
    {
        await using var app = await TestApp.StartAsync(
            a => a.MapGet("/scope", (ScopedThing thing) => thing.Id.ToString()),
            services: s => s.AddScoped<ScopedThing>());

        var first = await app.InvokeAsync(Events.Get("/scope"));
        var second = await app.InvokeAsync(Events.Get("/scope"));

        Assert.NotEqual(first.Body, second.Body);
        Assert.Equal(2, ScopedThing.Disposed(first.Body!, second.Body!));
    }

    private sealed class ScopedThing : IDisposable
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> s_disposed = new();
        public Guid Id { get; } = Guid.NewGuid();
        public void Dispose() => s_disposed[Id.ToString()] = true;
        public static int Disposed(params string[] ids) => ids.Count(s_disposed.ContainsKey);
    }

    [Fact]
    public async Task Json_endpoint_with_source_generated_context_round_trips_through_the_raw_stream_path()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/r", () => TypedResults.Ok(new Reply("hi", 3))),
            services: s => s.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, TestJsonContext.Default)));
        using var doc = JsonDocument.Parse(await app.InvokeJsonAsync(Events.GetJson("/r")));
        Assert.Equal("""{"message":"hi","count":3}""", doc.RootElement.GetProperty("body").GetString());
        Assert.StartsWith("application/json", doc.RootElement.GetProperty("multiValueHeaders").GetProperty("Content-Type")[0].GetString(), StringComparison.Ordinal);
    }
}

public sealed record Reply(string Message, int Count);

[System.Text.Json.Serialization.JsonSerializable(typeof(Reply))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class TestJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
