using Microsoft.Playwright;

namespace SecureApi.Browser.Tests;

/// <summary>The developer console and Scalar in headless chromium (docs/local-stage.md#the-developer-console, docs/openapi.md).</summary>
[Trait("Category", "Integration")]
public sealed class DeveloperPagesBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    // The development API key of appsettings.Development.json (its SHA-256 is there; docs/configuration.md).
    private const string DevelopmentApiKey = "dev-api-key-secureapi-local";

    [Fact]
    public async Task The_console_shows_a_denied_and_an_allowed_request_with_their_reasons()
    {
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Api.BaseAddress, "/_console/").ToString());
        await page.Locator("#requests").WaitForAsync();

        using var http = new HttpClient { BaseAddress = fixture.Api.BaseAddress };
        using var denied = await http.GetAsync("/protected/admin?api_key=not-a-key-of-this-stage");
        using var allowed = await http.GetAsync($"/protected/admin?api_key={DevelopmentApiKey}");
        Assert.Equal(401, (int)denied.StatusCode);
        Assert.Equal(200, (int)allowed.StatusCode);

        var deniedRow = page.Locator("#requests tbody tr.deny", new() { HasText = "/protected/admin" });
        var allowedRow = page.Locator("#requests tbody tr.allow", new() { HasText = "/protected/admin" });
        await deniedRow.First.WaitForAsync();
        await allowedRow.First.WaitForAsync();
        Assert.Equal("unauthorized", await deniedRow.First.Locator("td.reason").InnerTextAsync());
        Assert.Equal("401", await deniedRow.First.Locator("td.status").InnerTextAsync());
        Assert.Equal("allow", await allowedRow.First.Locator("td.reason").InnerTextAsync());
        Assert.Equal("200", await allowedRow.First.Locator("td.status").InnerTextAsync());

        await allowedRow.First.ClickAsync();
        var detail = await page.Locator("#detail-body").InnerTextAsync();
        Assert.Contains("execute-api:Invoke", detail);                     // the policy's statements
        Assert.Contains("api_key: …ocal", detail);                         // the key only by its last four characters
        Assert.DoesNotContain(DevelopmentApiKey, await page.ContentAsync());
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("console.png"), FullPage = true });
    }

    [Fact]
    public async Task A_principals_page_shows_its_roles_plan_and_a_chart_of_todays_usage()
    {
        using var http = new HttpClient { BaseAddress = fixture.Api.BaseAddress };
        for (var i = 0; i < 3; i++) (await http.GetAsync($"/protected/admin?api_key={DevelopmentApiKey}")).Dispose();
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Api.BaseAddress, "/_console/").ToString());

        await page.Locator("#requests tbody tr.allow a", new() { HasText = "api-key-user" }).First.ClickAsync();

        await page.Locator("#chart svg").WaitForAsync();
        Assert.Equal("api-key-user", await page.Locator("#principal-id").InnerTextAsync());
        var counted = await page.Locator("#chart svg rect.hour").EvaluateAllAsync<int>(
            "bars => bars.reduce((sum, bar) => sum + Number(bar.dataset.count), 0)");
        Assert.True(counted >= 3, $"the chart counts {counted} requests today");
        var text = await page.Locator("body").InnerTextAsync();
        Assert.Contains("Plan", text);
        Assert.Contains("rate window:", text);
        Assert.Contains("per day", text);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("principal.png"), FullPage = true });
    }

    [Fact]
    public async Task Scalar_lists_the_operations_and_calls_public_from_the_page()
    {
        var page = await fixture.Browser.NewPageAsync();
        var publicCalls = 0;
        page.Response += (_, response) =>
        {
            if (new Uri(response.Url).AbsolutePath == "/public" && response.Status == 200) Interlocked.Increment(ref publicCalls);
        };
        await page.GotoAsync(new Uri(fixture.Api.BaseAddress, "/scalar/").ToString());
        await page.GetByText("Service status; no authentication.").First.WaitForAsync();

        await page.GetByText("Service status; no authentication.").First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Test Request" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).First.ClickAsync();
        await page.GetByText("operational").First.WaitForAsync();

        Assert.True(Volatile.Read(ref publicCalls) > 0, "Scalar did not call GET /public");
        await page.Keyboard.PressAsync("Escape");
        await page.GetByText("Select Auth Type").First.ClickAsync();
        foreach (var scheme in new[] { "TokenAuthorizer", "ApiKey", "CustomAuthHeader" })   // bearer, api_key, X-Custom-Auth
            await page.GetByText(scheme, new() { Exact = true }).First.WaitForAsync();
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("scalar.png"), FullPage = true });
    }
}
