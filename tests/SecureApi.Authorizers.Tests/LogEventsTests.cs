using System.Reflection;

namespace SecureApi.Authorizers.Tests;

public sealed class LogEventsTests
{
    private static (string Name, int Id)[] Events() =>
        [.. typeof(LogEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (f.Name, (int)f.GetRawConstantValue()!))];

    [Fact]
    public void No_two_log_events_share_an_id_so_a_query_by_id_finds_one_kind_of_line()
    {
        var events = Events();

        Assert.NotEmpty(events);
        var shared = events.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Name))}");
        Assert.Empty(shared);
    }
}
