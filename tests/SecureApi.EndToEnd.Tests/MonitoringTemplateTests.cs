using System.Text.Json;
using System.Text.RegularExpressions;
using SecureApi.Testing;

namespace SecureApi.EndToEnd.Tests;

/// <summary>The dashboard, alarms and alarm topic of serverless.template (docs/metrics.md).</summary>
public sealed class MonitoringTemplateTests
{
    private static JsonElement Root()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.TemplatePath));
        return doc.RootElement.Clone();
    }

    private static IEnumerable<JsonProperty> ResourcesOfType(string type) =>
        Root().GetProperty("Resources").EnumerateObject().Where(r => r.Value.GetProperty("Type").GetString() == type);

    [Fact]
    public void Every_alarm_notifies_the_alarm_topic_and_the_mail_subscription_exists_only_when_an_address_is_given()
    {
        var alarms = ResourcesOfType("AWS::CloudWatch::Alarm").ToList();

        Assert.Equal(["Api5xxAlarm", "AuthorizerErrorsAlarm", "LockoutSpikeAlarm", "StoreFailuresAlarm"], alarms.Select(a => a.Name).Order());
        Assert.All(alarms, a => Assert.Equal("AlarmTopic", a.Value.GetProperty("Properties").GetProperty("AlarmActions")[0].GetProperty("Ref").GetString()));
        var subscription = Assert.Single(ResourcesOfType("AWS::SNS::Subscription"));
        Assert.Equal("HasAlarmEmail", subscription.Value.GetProperty("Condition").GetString());
        Assert.Equal("", Root().GetProperty("Parameters").GetProperty("AlarmEmail").GetProperty("Default").GetString());
    }

    [Fact]
    public void The_dashboard_body_is_valid_json_once_its_substitutions_are_made_and_charts_each_metric_the_issue_names()
    {
        var dashboard = Assert.Single(ResourcesOfType("AWS::CloudWatch::Dashboard"));
        var body = dashboard.Value.GetProperty("Properties").GetProperty("DashboardBody").GetProperty("Fn::Sub").GetString()!;
        var substituted = Regex.Replace(body, @"\$\{[A-Za-z:]+\}", "x");

        using var parsed = JsonDocument.Parse(substituted);
        var text = parsed.RootElement.GetRawText();
        foreach (var metric in new[] { "secureapi.authorizer.decisions", "secureapi.authorizer.decision.duration", "5XXError", "4XXError",
                     "secureapi.ratelimit.rejections", "secureapi.store.failures", "secureapi.lambda.cold_starts" })
            Assert.Contains(metric, text);
        Assert.Contains("p99", text);
    }
}
