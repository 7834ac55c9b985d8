using SecureApi.Testing.Saml;
using System.Diagnostics;
using System.Text.Json;
using SecureApi.Testing;

namespace SecureApi.TokenService.Tests;

/// <summary>
/// samlify (npm, pinned in tools/saml-idp/package-lock.json) signs the assertions: tools/saml-idp/sign-assertion.js
/// runs once per assertion with the IdP's key pair (generated here per test class).
/// </summary>
public sealed class SamlifyIdp : IAssertionSigner
{
    private static readonly Lazy<Task> Installed = new(InstallAsync);
    private readonly DotNetIdp _keys = new("CN=samlify-idp.example.test");

    public string CertificatePem => _keys.CertificatePem;

    public static Task EnsureInstalledAsync() => Installed.Value;

    public async Task<string> SignAsync(string xml, bool sha1 = false)
    {
        await EnsureInstalledAsync();
        var request = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["xml"] = xml,
            ["privateKeyPem"] = _keys.PrivateKeyPem,
            ["certificatePem"] = _keys.CertificatePem,
            ["signatureAlgorithm"] = sha1 ? "http://www.w3.org/2000/09/xmldsig#rsa-sha1" : "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        });
        var (exit, output, error) = await RunAsync("node", [Path.Combine(RepositoryRoot.Path, "tools", "saml-idp", "sign-assertion.js")], request);
        if (exit != 0) throw new InvalidOperationException($"samlify failed (exit {exit}): {error}");
        return output;
    }

    private static async Task InstallAsync()
    {
        var (exit, output, error) = await RunAsync("bash", [Path.Combine(RepositoryRoot.Path, "tools", "install-saml-idp.sh")], "");
        if (exit != 0) throw new InvalidOperationException($"tools/install-saml-idp.sh failed (exit {exit}): {output}{error}");
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string file, string[] arguments, string input)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    public void Dispose() => _keys.Dispose();
}
