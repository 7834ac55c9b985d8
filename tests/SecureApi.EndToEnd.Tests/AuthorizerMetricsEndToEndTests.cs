using System.Text.Json;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>
/// The published (Native AOT) authorizers, run against the Runtime API double for a known sequence of decisions: the
/// CloudWatch Embedded Metric Format lines they print count exactly those decisions, by authorizer, outcome and
/// reason, and no dimension or property of them carries a credential or a principal id (docs/metrics.md).
/// </summary>
[Trait("Category", "Integration")] // publishes and starts the functions (Native AOT)
public sealed class AuthorizerMetricsEndToEndTests
{
    private const string Arn = "arn:aws:execute-api:us-east-1:123456789012:e2eapi0001/Prod/GET/";
    private readonly GatewayTestCredentials _credentials = new();

    private static readonly HashSet<string> Dimensions = ["authorizer", "outcome", "reason", "result", "operation", "function"];

    [Fact]
    public async Task Published_authorizers_print_one_EMF_count_per_decision_by_authorizer_outcome_and_reason()
    {
        var tokenEvents = new[]
        {
            TokenEvent(_credentials.UserToken, "protected"),
            TokenEvent(_credentials.UserToken, "protected"),
            TokenEvent(_credentials.NoReadToken, "protected"),
            TokenEvent(_credentials.ExpiredToken, "protected"),
            TokenEvent(_credentials.WrongSignatureToken, "protected"),
            TokenEvent("", "protected", bearer: false),
        };
        var requestEvents = new[]
        {
            KeyEvent(_credentials.AdminApiKey, "protected/admin"),
            KeyEvent(_credentials.WrongApiKey, "protected/admin"),
            KeyEvent(null, "protected/admin"),
        };

        var token = await RunAsync("TokenAuthorizer", tokenEvents);
        var request = await RunAsync("RequestAuthorizer", requestEvents);
        var emf = token.Concat(request).ToList();

        Assert.Equal(Lines(new Dictionary<string, int>
        {
            ["token/allow/allowed"] = 2,
            ["token/deny/no-route-permission"] = 1,
            ["token/unauthorized/expired"] = 1,
            ["token/unauthorized/bad-signature"] = 1,
            ["token/unauthorized/missing"] = 1,
            ["request/allow/allowed"] = 1,
            ["request/unauthorized/invalid-credential"] = 1,
            ["request/unauthorized/ip-not-allowed"] = 1,   // no credential, and the source is outside the allowlist
        }), Lines(Sum(emf, "secureapi.authorizer.decisions", l => $"{l.GetProperty("authorizer")}/{l.GetProperty("outcome")}/{l.GetProperty("reason")}")));
        Assert.Equal(new Dictionary<string, int> { ["token"] = tokenEvents.Length, ["request"] = requestEvents.Length },
            emf.Where(l => l.TryGetProperty("secureapi.authorizer.decision.duration", out _))
               .GroupBy(l => l.GetProperty("authorizer").GetString()!)
               .ToDictionary(g => g.Key, g => g.Sum(l => Values(l.GetProperty("secureapi.authorizer.decision.duration")))));
        Assert.Equal(new Dictionary<string, int> { ["TokenAuthorizer"] = 1, ["RequestAuthorizer"] = 1 },
            Sum(emf, "secureapi.lambda.cold_starts", l => l.GetProperty("function").GetString()!));
    }

    [Fact]
    public async Task EMF_lines_carry_only_closed_dimensions_never_a_credential_or_a_principal_id()
    {
        var secrets = new[]
        {
            _credentials.UserToken, _credentials.AdminToken, _credentials.ExpiredToken, _credentials.AdminApiKey, _credentials.WrongApiKey,
            GatewayTestCredentials.Sha256Hex(_credentials.AdminApiKey), GatewayTestCredentials.Sha256Hex(_credentials.WrongApiKey),
        };
        var principals = new[] { "test-user", "test-admin", "api-key-user", "api-key-reader" };

        var emf = (await RunAsync("TokenAuthorizer", [TokenEvent(_credentials.UserToken, "protected"), TokenEvent(_credentials.AdminToken, "protected/admin"), TokenEvent(_credentials.ExpiredToken, "protected")]))
            .Concat(await RunAsync("RequestAuthorizer", [KeyEvent(_credentials.AdminApiKey, "protected/admin"), KeyEvent(_credentials.WrongApiKey, "protected")]))
            .ToList();

        Assert.NotEmpty(emf);
        foreach (var line in emf)
        {
            var text = line.GetRawText();
            foreach (var secret in secrets) Assert.DoesNotContain(secret, text);
            foreach (var principal in principals) Assert.DoesNotContain(principal, text);
            var directive = line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
            var metrics = directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()!).ToHashSet();
            // Every root property is the envelope, a declared metric, or one of the closed dimensions.
            foreach (var property in line.EnumerateObject())
                Assert.True(property.Name == "_aws" || metrics.Contains(property.Name) || Dimensions.Contains(property.Name), $"unexpected property {property.Name}");
            Assert.All(directive.GetProperty("Dimensions")[0].EnumerateArray(), d => Assert.Contains(d.GetString()!, Dimensions));
        }
    }

    private static string TokenEvent(string token, string path, bool bearer = true) =>
        JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "TOKEN", ["authorizationToken"] = bearer ? "Bearer " + token : token, ["methodArn"] = Arn + path,
        });

    private static string KeyEvent(string? key, string path) =>
        "{\"type\":\"REQUEST\",\"methodArn\":\"" + Arn + path + "\"," +
        (key is null ? "" : "\"queryStringParameters\":{\"api_key\":" + JsonSerializer.Serialize(key) + "},") +
        "\"requestContext\":{\"identity\":{\"sourceIp\":\"" + GatewayTestCredentials.DefaultSourceIp + "\"}}}";

    /// <summary>Starts the published function, invokes each event in turn, stops it, and returns the EMF lines it printed.</summary>
    private async Task<List<JsonElement>> RunAsync(string handler, IReadOnlyList<string> events)
    {
        var executable = await PublishedFunctions.GetExecutableAsync("authorizers/" + handler, handler);
        await using var runtime = await RuntimeApiDouble.StartAsync();
        var settings = _credentials.EnvironmentVariables.Where(kv => kv.Key.StartsWith(handler + "__", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        using var process = LambdaFunctionProcess.Start(executable, handler, runtime.Endpoint, settings);
        foreach (var body in events) await runtime.InvokeAsync(body);
        runtime.Shutdown(); // the loop ends at the next GET /next, after the last invocation's metrics are flushed
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return [.. process.Output.Split('\n')
            .Where(l => l.StartsWith("{\"_aws\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement)];
    }

    private static Dictionary<string, int> Sum(IEnumerable<JsonElement> lines, string metric, Func<JsonElement, string> key) =>
        lines.Where(l => l.TryGetProperty(metric, out _)).GroupBy(key).ToDictionary(g => g.Key, g => g.Sum(l => l.GetProperty(metric).GetInt32()));

    /// <summary>"key = count" lines in key order: a failure shows every line of both sides.</summary>
    private static string Lines(Dictionary<string, int> counts) =>
        string.Join('\n', counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} = {kv.Value}"));

    private static int Values(JsonElement value) => value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : 1;
}
