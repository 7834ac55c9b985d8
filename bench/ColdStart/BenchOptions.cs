namespace ColdStart;

/// <summary>The command line: <c>--candidate NAME=COMMAND</c>... <c>--event FILE</c> [--runs N] [--env K=V]... [--timeout SECONDS].</summary>
public sealed record BenchOptions(
    IReadOnlyList<Candidate> Candidates,
    byte[] Event,
    string EventPath,
    int Runs,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan Timeout,
    bool ShowResponse)
{
    public const string Usage = """
        usage: ColdStart --candidate NAME=COMMAND [--candidate NAME=COMMAND ...] --event FILE
                         [--runs N (default 20)] [--env KEY=VALUE ...] [--timeout SECONDS (default 30)] [--show-response]
          COMMAND is an executable path plus arguments, or any /bin/sh command line when it contains quotes or shell operators.
        """;

    public static bool TryParse(string[] args, out BenchOptions options, out string error)
    {
        options = null!;
        var candidates = new List<Candidate>();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        string? eventPath = null;
        var runs = 20;
        var timeoutSeconds = 30;
        var showResponse = false;

        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--show-response")
            {
                showResponse = true;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value.";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--candidate" when Split(value, out var key, out var command) && command.Trim().Length > 0:
                    candidates.Add(Candidate.Parse(key, command));
                    break;
                case "--event":
                    eventPath = value;
                    break;
                case "--runs" when int.TryParse(value, out runs) && runs > 0:
                    break;
                case "--timeout" when int.TryParse(value, out timeoutSeconds) && timeoutSeconds > 0:
                    break;
                case "--env" when Split(value, out var key, out var envValue):
                    environment[key] = envValue;
                    break;
                default:
                    error = $"Bad argument: {name} {value}";
                    return false;
            }
        }

        if (candidates.Count == 0 || eventPath is null)
        {
            error = "At least one --candidate and an --event are required.";
            return false;
        }

        if (candidates.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != candidates.Count)
        {
            error = "Candidate names must be unique.";
            return false;
        }

        if (!File.Exists(eventPath))
        {
            error = $"Event file not found: {eventPath}";
            return false;
        }

        options = new BenchOptions(candidates, File.ReadAllBytes(eventPath), eventPath, runs, environment, TimeSpan.FromSeconds(timeoutSeconds), showResponse);
        error = string.Empty;
        return true;
    }

    private static bool Split(string value, out string key, out string rest)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        key = equals > 0 ? value[..equals] : string.Empty;
        rest = equals > 0 ? value[(equals + 1)..] : string.Empty;
        return equals > 0;
    }
}
