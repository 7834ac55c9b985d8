using System.Reflection;
using SecureApi.Testing;

namespace SecureApi.Authorizers.Tests;

public sealed class AuthorizerMetricsTests
{
    private static readonly TokenFactory Tokens = new();

    public static TheoryData<string> AllReasonCodes() =>
        new(typeof(ReasonCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!));

    [Theory]
    [MemberData(nameof(AllReasonCodes))]
    public void Every_reason_code_falls_in_a_named_metric_reason(string reasonCode) =>
        Assert.NotEqual(MetricReasons.Other, MetricReasons.Of(reasonCode));

    [Fact]
    public void The_metric_reason_set_stays_small_enough_to_chart()
    {
        var reasons = typeof(MetricReasons).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();

        Assert.Equal(reasons.Count, reasons.Distinct().Count());
        Assert.InRange(reasons.Count, 1, 25);
        Assert.All(reasons, r => Assert.Matches("^[a-z]+(-[a-z]+)*$", r));
    }

    [Fact]
    public async Task An_expired_token_is_counted_as_an_unauthorized_token_decision_with_reason_expired_and_timed()
    {
        using var recorded = new RecordedMeasurements();
        var authorizer = new TokenAuthorizer(new TokenAuthorizerOptions { Issuer = Tokens.Issuer, Audiences = [Tokens.Audience], Jwks = Tokens.Jwks() });
        var claims = Tokens.Claims();
        claims["exp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600;
        claims["iat"] = claims["nbf"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1200;
        var expired = Tokens.Create(claims);

        var decision = await authorizer.AuthorizeAsync(Events.Token("Bearer " + expired, Events.ProtectedArn));

        Assert.Equal(ReasonCodes.Expired, decision.ReasonCode);
        Assert.Contains(recorded.Of("secureapi.authorizer.decisions"), m => m.Value == 1 &&
            m.Tags.OrderBy(t => t.Key).SequenceEqual(new Dictionary<string, string?> { ["authorizer"] = "token", ["outcome"] = "unauthorized", ["reason"] = "expired" }.OrderBy(t => t.Key)));
        Assert.Contains(recorded.Of("secureapi.authorizer.decision.duration"), m => m.Tags.Keys.SequenceEqual(["authorizer"]) && m.Value >= 0);
    }
}
