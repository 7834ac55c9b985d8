using System.Text.Json;
using SecureApi.Lambda.APIGatewayEvents;
using SecureApi.LocalGateway;
using SecureApi.LocalGateway.DeveloperConsole;
using SecureApi.LocalGateway.Template;
using SecureApi.Testing;

namespace SecureApi.Tests;

/// <summary>The developer console's record of requests through the local stage (docs/local-stage.md#the-developer-console).</summary>
public sealed class DeveloperConsoleTests
{
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.signature-ends-WXYZ";
    private static readonly GatewayDefinition RepositoryTemplate = ServerlessTemplateReader.Load(RepositoryRoot.TemplatePath);

    private sealed class AllowingInvoker : IAuthorizerInvoker
    {
        public Task<AuthorizerInvocation> InvokeAsync(AuthorizerDefinition authorizer, APIGatewayCustomAuthorizerRequest request, CancellationToken ct) =>
            Task.FromResult<AuthorizerInvocation>(new AuthorizerInvocation.Policy(new APIGatewayCustomAuthorizerResponse
            {
                PrincipalID = "alice",
                PolicyDocument = new APIGatewayCustomAuthorizerPolicy
                {
                    Statement = [new() { Effect = "Allow", Action = ["execute-api:Invoke"], Resource = ["arn:aws:execute-api:local:000000000000:local/prod/GET/protected"] }],
                },
                Context = new APIGatewayCustomAuthorizerContextOutput { ["role"] = "user" },
            }));
    }

    private static JsonElement View(RecordedRequest request, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer)) RequestView.Write(json, request, now);
        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    [Fact]
    public void The_console_keeps_the_last_200_requests_oldest_first()
    {
        var recorder = new DecisionRecorder(new ManualClock());
        var outcome = GatewayOutcome.Pass(null, null, null, "public");

        for (var i = 0; i < 250; i++) recorder.Record("GET", $"/public?{i}", 200, outcome, null, null, null);

        var kept = recorder.Since(0);
        Assert.Equal(DecisionRecorder.Capacity, kept.Count);
        Assert.Equal(Enumerable.Range(51, 200).Select(i => (long)i), kept.Select(r => r.Sequence));
        Assert.Equal([249L, 250L], recorder.Since(248).Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_cached_answer_shows_its_key_hash_and_age_and_the_token_only_by_its_last_four_characters()
    {
        var clock = new ManualClock();
        var stage = new GatewayStage(RepositoryTemplate, new AllowingInvoker(), new GatewayStageOptions { Stage = "prod" }, clock);
        var request = GatewayRequest.Create("GET", "/protected", [KeyValuePair.Create("Authorization", "Bearer " + Token)]);
        var recorder = new DecisionRecorder(clock);

        var first = await stage.AuthorizeAsync(request);
        clock.Advance(TimeSpan.FromSeconds(5));
        var second = await stage.AuthorizeAsync(request);
        recorder.Record("GET", "/protected", 200, first, null, null, null);
        recorder.Record("GET", "/protected", 200, second, "\"burst\";r=19;t=2", "\"burst\";q=20;w=2", null);

        var views = recorder.Since(0).Select(r => View(r, clock.GetUtcNow())).ToList();
        Assert.False(views[0].GetProperty("cache").GetProperty("hit").GetBoolean());
        var cache = views[1].GetProperty("cache");
        Assert.True(cache.GetProperty("hit").GetBoolean());
        Assert.Equal(5, cache.GetProperty("ageSeconds").GetDouble());
        Assert.Equal(views[0].GetProperty("cache").GetProperty("keyHash").GetString(), cache.GetProperty("keyHash").GetString());
        Assert.Matches("^[0-9a-f]{12}$", cache.GetProperty("keyHash").GetString());
        Assert.Equal("cache-hit", views[1].GetProperty("reason").GetString());
        Assert.Equal("TokenAuthorizer", views[1].GetProperty("authorizer").GetString());
        Assert.Equal("Allow", views[1].GetProperty("policy")[0].GetProperty("effect").GetString());
        Assert.Equal("user", views[1].GetProperty("context").GetProperty("role").GetString());
        Assert.Equal("\"burst\";r=19;t=2", views[1].GetProperty("rateLimit").GetProperty("state").GetString());
        Assert.Equal("Authorization: …WXYZ", Assert.Single(views[1].GetProperty("credentials").EnumerateArray()).GetString());
        Assert.All(views, v => Assert.DoesNotContain("signature-ends", v.GetRawText()));
    }

    [Theory]
    [InlineData(null, "(missing)")]
    [InlineData("short-key", "(9 characters)")]
    [InlineData("dev-api-key-secureapi-local", "…ocal")]
    public void A_credential_is_shown_by_its_last_four_characters_only_when_long_enough(string? value, string shown) =>
        Assert.Equal(shown, RequestView.Masked(value));

    [Fact]
    public async Task A_principals_chart_counts_the_requests_let_through_in_each_hour_of_today()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 7, 9, 30, 0, TimeSpan.Zero));
        var stage = new GatewayStage(RepositoryTemplate, new AllowingInvoker(), new GatewayStageOptions { Stage = "prod" }, clock);
        var recorder = new DecisionRecorder(clock);
        var allowed = await stage.AuthorizeAsync(GatewayRequest.Create("GET", "/protected", [KeyValuePair.Create("Authorization", "Bearer " + Token)]));
        var denied = await stage.AuthorizeAsync(GatewayRequest.Create("GET", "/protected"));

        recorder.Record("GET", "/protected", 200, allowed, null, null, null);
        recorder.Record("GET", "/protected", 401, denied, null, null, null);
        clock.Advance(TimeSpan.FromHours(2));
        recorder.Record("GET", "/protected", 200, allowed, null, null, null);
        recorder.Record("GET", "/protected", 200, allowed, null, null, null);

        var hours = recorder.HoursToday("alice");
        Assert.Equal(1, hours[9]);
        Assert.Equal(2, hours[11]);
        Assert.Equal(3, hours.Sum());
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, recorder.HoursToday("alice").Sum());
    }
}
