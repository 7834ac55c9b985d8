using System.Text.Json;

namespace SecureApi.Tests;

/// <summary>The OpenAPI document as a client generator reads it (docs/openapi.md); .ci/run also lints it with Redocly.</summary>
public sealed class OpenApiDocumentTests(SecureApiFactory factory) : IClassFixture<SecureApiFactory>
{
    private async Task<JsonElement> DocumentAsync()
    {
        using var client = factory.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        return document.RootElement.Clone();
    }

    private static IEnumerable<(string Path, string Verb, JsonElement Operation)> Operations(JsonElement root) =>
        root.GetProperty("paths").EnumerateObject().SelectMany(path =>
            path.Value.EnumerateObject().Select(op => (path.Name, op.Name, op.Value)));

    [Fact]
    public async Task Server_urls_end_without_a_slash_so_generated_clients_join_paths_cleanly()
    {
        var root = await DocumentAsync();

        var urls = root.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("url").GetString()!).ToList();
        Assert.NotEmpty(urls);
        Assert.All(urls, url => Assert.False(url.EndsWith('/'), url));
    }

    [Fact]
    public async Task Public_declares_an_empty_security_requirement_and_every_other_operation_a_scheme()
    {
        var root = await DocumentAsync();

        foreach (var (path, verb, operation) in Operations(root))
        {
            var security = operation.GetProperty("security");
            if (path == "/public") Assert.Equal(0, security.GetArrayLength());
            else Assert.True(security.GetArrayLength() > 0, $"{verb} {path} names no security scheme");
        }
    }

    [Fact]
    public async Task Every_operation_lists_the_problem_responses_it_can_give()
    {
        var root = await DocumentAsync();

        foreach (var (path, verb, operation) in Operations(root))
        {
            var responses = operation.GetProperty("responses");
            var expected = path == "/public" ? new[] { "429", "503" } : ["401", "403", "429", "503"];
            foreach (var status in expected)
            {
                Assert.True(responses.TryGetProperty(status, out var response), $"{verb} {path} lists no {status}");
                Assert.True(response.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{verb} {path} {status} is not problem+json");
            }
            Assert.True(responses.GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _));
        }
    }

    [Fact]
    public async Task Step_up_and_rate_limited_operations_are_marked_with_an_extension_and_a_sentence()
    {
        var root = await DocumentAsync();
        var operations = Operations(root).ToDictionary(o => $"{o.Verb.ToUpperInvariant()} {o.Path}", o => o.Operation);

        var putRoutes = operations["PUT /protected/admin/routes"];
        Assert.True(putRoutes.GetProperty("x-secureapi-step-up").GetBoolean());
        Assert.Contains("step-up", putRoutes.GetProperty("description").GetString());
        Assert.Contains("WWW-Authenticate", putRoutes.GetProperty("responses").GetProperty("401").GetProperty("headers").EnumerateObject().Select(h => h.Name));
        Assert.False(operations["GET /protected/admin/routes"].TryGetProperty("x-secureapi-step-up", out _));
        Assert.Equal("principal", operations["GET /protected"].GetProperty("x-secureapi-rate-limit").GetProperty("scope").GetString());
        Assert.Equal("source-address", operations["GET /public"].GetProperty("x-secureapi-rate-limit").GetProperty("scope").GetString());
    }
}
