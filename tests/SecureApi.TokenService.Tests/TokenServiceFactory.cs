using SecureApi.Testing.Saml;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SecureApi.Testing;

namespace SecureApi.TokenService.Tests;

/// <summary>
/// The token service on TestServer with one trusted IdP ("corp", <see cref="AssertionSpec.IdpEntityId"/>, pinned to
/// the given certificate, "Domain Admins" → admin) and a manual clock; settings are passed as host settings, never as
/// process environment variables.
/// </summary>
public sealed class TokenServiceFactory(string certificatePem, ManualClock clock, IDictionary<string, string?>? extra = null,
    Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string TokenIssuer = AssertionSpec.TokenIssuer;
    public const string TokenAudience = AssertionSpec.TokenAudience;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = AssertionSpec.TokenServiceSettings(certificatePem);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            services?.Invoke(s);
        });
    }

    public static string Encode(string xml) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(xml));

    public async Task<TokenAnswer> ExchangeAsync(string xml, string? scope = null) =>
        await PostAsync(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:saml2-bearer",
            ["assertion"] = Encode(xml),
            ["scope"] = scope,
        });

    public async Task<TokenAnswer> PostAsync(Dictionary<string, string?> form)
    {
        using var client = CreateClient();
        var pairs = form.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string>(p.Key, p.Value!));
        using var response = await client.PostAsync("/oauth2/token", new FormUrlEncodedContent(pairs));
        return await TokenAnswer.ReadAsync(response);
    }
}

/// <summary>The token endpoint's answer: status, Cache-Control, the raw body and its JSON.</summary>
public sealed record TokenAnswer(int Status, CacheControlHeaderValue? CacheControl, string Body, JsonElement Json)
{
    public string? Error => Json.TryGetProperty("error", out var e) ? e.GetString() : null;
    public string? Description => Json.TryGetProperty("error_description", out var d) ? d.GetString() : null;
    public string AccessToken => Json.GetProperty("access_token").GetString()!;

    public static async Task<TokenAnswer> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return new TokenAnswer((int)response.StatusCode, response.Headers.CacheControl, body, JsonDocument.Parse(body).RootElement.Clone());
    }
}
