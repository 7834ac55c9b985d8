using System.Diagnostics;

namespace ColdStart;

/// <summary>One function to measure: a name for the table and how to start it.</summary>
public sealed record Candidate(string Name, string FileName, IReadOnlyList<string> Arguments, string CommandLine)
{
    // Anything a plain whitespace split would get wrong goes through the shell (with exec, so the
    // measured and killed process is the function itself, not a waiting sh).
    private static readonly char[] ShellCharacters = ['"', '\'', '\\', '$', '`', '|', '&', ';', '<', '>', '*', '?', '(', ')', '~'];

    public static Candidate Parse(string name, string commandLine)
    {
        if (commandLine.IndexOfAny(ShellCharacters) >= 0)
        {
            return new Candidate(name, "/bin/sh", ["-c", "exec " + commandLine], commandLine);
        }

        var parts = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new Candidate(name, parts[0], parts[1..], commandLine);
    }

    public ProcessStartInfo StartInfo(string runtimeApi, IReadOnlyDictionary<string, string> extraEnvironment)
    {
        var info = new ProcessStartInfo(FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // What Lambda sets for an on-demand function (docs/wire-contracts.md §1.5); --env entries override.
        var env = info.Environment;
        SecureApi.Testing.LambdaProcessEnvironment.Apply(env, Name, runtimeApi, handler: Name, taskRoot: Environment.CurrentDirectory);
        foreach (var (key, value) in extraEnvironment)
        {
            env[key] = value;
        }

        return info;
    }
}
