using System.Text;
using System.Text.Json;

namespace SecureApi.Authorizers;

/// <summary>
/// One JSON line per decision: principal, authType, outcome, reason code, latency. Built only from the decision
/// (never from the token, key, header value or event), so a credential cannot reach the log. The same place
/// records the decision's metrics (<see cref="AuthorizerMetrics"/>), so every logged decision is counted once.
/// </summary>
internal sealed class DecisionLog(TextWriter? sink, string authorizer)
{
    public void Write(AuthorizerDecision decision, TimeSpan latency)
    {
        AuthorizerMetrics.Decided(authorizer, decision, latency);
        if (sink is null) return;
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("authorizer", authorizer);
            json.WriteString("outcome", decision.Outcome.ToString());
            json.WriteString("reason", decision.ReasonCode);
            if (decision.PrincipalId is null) json.WriteNull("principal"); else json.WriteString("principal", decision.PrincipalId);
            if (decision.AuthType is null) json.WriteNull("authType"); else json.WriteString("authType", decision.AuthType);
            json.WriteNumber("latencyMs", Math.Round(latency.TotalMilliseconds, 3));
            json.WriteEndObject();
        }
        sink.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
