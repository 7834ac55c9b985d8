using System.Diagnostics;

namespace SecureApi.Testing;

/// <summary>
/// Installs a real counterpart the tests start (moto, slapd, oidc-provider) through its script under tools/ the first time a test in
/// this process needs it, so `dotnet test SecureApi.sln` on a fresh machine needs no manual step. Each script returns
/// at once when its tool is already there; .ci/run calls the same scripts.
/// </summary>
public static class TestPrerequisites
{
    private static readonly Lazy<Task> Moto = new(() => RunAsync("install-moto.sh"));
    private static readonly Lazy<Task> Slapd = new(() => RunAsync("install-slapd.sh"));
    private static readonly Lazy<Task> Chromium = new(() => RunAsync("install-chromium.sh"));
    private static readonly Lazy<Task> OidcProvider = new(() => RunAsync("install-oidc-provider.sh"));

    public static Task EnsureMotoAsync() => Moto.Value;

    public static Task EnsureSlapdAsync() => Slapd.Value;

    /// <summary>Debian's chromium at /usr/bin/chromium, for the browser tests (Playwright drives it; no download).</summary>
    public static Task EnsureChromiumAsync() => Chromium.Value;
    public static Task EnsureOidcProviderAsync() => OidcProvider.Value;

    private static async Task RunAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "tools", script));
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run tools/{script}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"tools/{script} failed (exit {process.ExitCode}): {await output}{await error}");
    }
}
