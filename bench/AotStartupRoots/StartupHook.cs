using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

/// <summary>Entry point the runtime calls before Main when this assembly is listed in DOTNET_STARTUP_HOOKS.</summary>
internal static class StartupHook
{
    public static void Initialize() => _ = new DependencyInjectionListener(
        Environment.GetEnvironmentVariable("AOT_STARTUP_ROOTS_OUT") ?? throw new InvalidOperationException("Set AOT_STARTUP_ROOTS_OUT."));
}

/// <summary>
/// Listens to Microsoft.Extensions.DependencyInjection's CallSiteBuilt events (the resolved service's whole call
/// site as JSON, in chunks), and writes every closed generic type and every IEnumerable item array in it as
/// "assembly TAB rd.xml type name" lines, one flush per call site (the measured process is killed, not stopped).
/// </summary>
internal sealed partial class DependencyInjectionListener(string outputPath) : EventListener
{
    private readonly ConcurrentDictionary<string, StringBuilder> _chunks = new();
    private readonly object _gate = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Extensions-DependencyInjection") EnableEvents(source, EventLevel.Verbose, EventKeywords.All);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName != "CallSiteBuilt" || e.Payload is not [string service, string chunk, int index, int count, ..]) return;
        var text = _chunks.AddOrUpdate(service, _ => new StringBuilder(chunk), (_, sb) => index == 0 ? sb.Clear().Append(chunk) : sb.Append(chunk));
        if (index != count - 1) return;
        var json = text.ToString();
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match m in GenericName().Matches(json)) Add(lines, m.Value, array: false);
        foreach (Match m in ItemType().Matches(json)) Add(lines, m.Groups[1].Value, array: true);
        lock (_gate) File.AppendAllLines(outputPath, lines);
    }

    private static void Add(SortedSet<string> lines, string name, bool array)
    {
        var bracket = name.IndexOf('[');
        var type = bracket < 0 ? Find(name) : Find(name[..bracket]) is { } open && Find(name[(bracket + 1)..^1]) is { } arg
            ? open.MakeGenericType(arg) : null;
        if (type is null || type.ContainsGenericParameters) return;
        var rdName = type.IsGenericType
            ? $"{type.GetGenericTypeDefinition().FullName}[[{type.GenericTypeArguments[0].FullName},{type.GenericTypeArguments[0].Assembly.GetName().Name}]]"
            : type.FullName;
        if (!type.IsGenericType && !array) return; // plain types are compiled already; only their arrays may be built at runtime
        lines.Add($"{type.Assembly.GetName().Name}\t{rdName}{(array ? "[]" : "")}");
        // DI closes open-generic registrations with their implementation types; root those too.
        if (type.IsGenericType && !array && ImplementationOf(type) is { } impl) Add(lines, impl, array: false);
    }

    private static string? ImplementationOf(Type service) => service.GetGenericTypeDefinition().FullName switch
    {
        "Microsoft.Extensions.Options.IOptions`1" => $"Microsoft.Extensions.Options.UnnamedOptionsManager`1[{service.GenericTypeArguments[0].FullName}]",
        "Microsoft.Extensions.Options.IOptionsMonitor`1" => $"Microsoft.Extensions.Options.OptionsMonitor`1[{service.GenericTypeArguments[0].FullName}]",
        "Microsoft.Extensions.Options.IOptionsFactory`1" => $"Microsoft.Extensions.Options.OptionsFactory`1[{service.GenericTypeArguments[0].FullName}]",
        "Microsoft.Extensions.Options.IOptionsMonitorCache`1" => $"Microsoft.Extensions.Options.OptionsCache`1[{service.GenericTypeArguments[0].FullName}]",
        "Microsoft.Extensions.Logging.ILogger`1" => $"Microsoft.Extensions.Logging.Logger`1[{service.GenericTypeArguments[0].FullName}]",
        _ => null,
    };

    private static Type? Find(string fullName)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.GetType(fullName) is { } type) return type;
        }
        return null;
    }

    [GeneratedRegex(@"[A-Za-z0-9_.+]+`1\[[A-Za-z0-9_.+]+\]")]
    private static partial Regex GenericName();

    [GeneratedRegex("\"itemType\": \"([^\"]+)\"")]
    private static partial Regex ItemType();
}
