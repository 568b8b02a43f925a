using System.Net;
using System.Text.Json;
using Imguard.Platform.Data;
using Imguard.Platform.Server;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// The platform serving the web UI: static files, the SPA fallback to index.html (never for API, internal or health
/// paths, never for unsafe methods), the Content-Security-Policy, and the services' health for the dashboard.
/// </summary>
public sealed class WebAppTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task The_UI_is_served_with_its_assets_and_every_app_route_falls_back_to_index_html()
    {
        using ApiClient browser = fixture.Anonymous();
        foreach (string path in new[] { "/", "/projects", "/projects/7c0e7f7e-0000-0000-0000-000000000000?tab=jobs", "/audit" })
        {
            HttpResponseMessage page = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains(WebAppFixture.Marker, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal("no-cache", page.Headers.CacheControl?.ToString());
            string csp = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            foreach (var party in fixture.Deployment.Settings.Parties)
            {
                Assert.Contains(party.Api.Url.GetLeftPart(UriPartial.Authority), csp, StringComparison.Ordinal);
            }
            Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        }

        HttpResponseMessage asset = await browser.GetAsync("/assets/app-1234.js");
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", asset.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/assets/missing.js")).StatusCode);
    }

    [Fact]
    public async Task API_internal_and_unsafe_requests_never_get_the_app()
    {
        using ApiClient browser = fixture.Anonymous();
        foreach (string path in new[] { "/api/nothing-here", "/api", "/internal/whatever", "/health/extra", "/openapi/none" })
        {
            HttpResponseMessage response = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain(WebAppFixture.Marker, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        HttpResponseMessage post = await browser.PostAsync("/projects", new { }, csrf: false);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal("platform", (await browser.GetAsync<JsonElement>("/health")).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Signed_in_users_see_which_services_answer()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous().GetAsync("/api/system/health")).StatusCode);
        using ApiClient user = await fixture.BrowserAsync(PlatformApiFixture.Unique("health"));
        JsonElement health = await user.GetAsync<JsonElement>("/api/system/health");
        Dictionary<string, string?> status = health.GetProperty("services").EnumerateArray()
            .ToDictionary(s => s.GetProperty("role").GetString()!, s => s.GetProperty("status").GetString());
        // This deployment runs the platform and the audit server only: the parties are honestly reported down.
        Assert.Equal("ok", status["platform"]);
        Assert.Equal("ok", status["audit"]);
        Assert.Equal("unreachable", status["party-0"]);
        Assert.Equal("unreachable", status["party-1"]);
    }

    [Fact]
    public async Task Signed_in_users_get_the_privacy_report_on_public_data_or_a_503_naming_the_package()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous().GetAsync("/api/privacy-report")).StatusCode);
        using ApiClient user = await fixture.BrowserAsync(PlatformApiFixture.Unique("privacy"));
        HttpResponseMessage response = await user.GetAsync("/api/privacy-report");
        string body = await response.Content.ReadAsStringAsync();
        if (File.Exists(Path.Combine(Learning.Data.FashionMnist.DefaultDirectory, "t10k-images-idx3-ubyte.gz")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using JsonDocument report = JsonDocument.Parse(body);
            Assert.Equal(["raw", "mixup", "instahide", "instahide_abs"], report.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
            Assert.StartsWith("the first 6 images of the public Fashion-MNIST test set", report.RootElement.GetProperty("data").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("apt-get install dataset-fashion-mnist", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_configured_web_root_without_index_html_stops_the_platform_at_start()
    {
        var options = new PlatformOptions { WebRoot = Path.Combine(Path.GetTempPath(), "imguard-no-ui-" + Guid.NewGuid().ToString("N")) };
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Contains("WebRoot", error.Message, StringComparison.Ordinal);
        Assert.Equal(Path.GetFullPath(fixture.WebRoot), PlatformWebApp.ResolveRoot(new PlatformOptions { WebRoot = fixture.WebRoot }));
    }
}

/// <summary>The API fixture with a small built UI of its own (index.html and one asset) as <c>Platform:WebRoot</c>.</summary>
public sealed class WebAppFixture : PlatformApiFixture, IDisposable
{
    public const string Marker = "imguard-test-ui";

    // One fixture instance per test class, so one folder per test run.
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "imguard-ui-" + Guid.NewGuid().ToString("N"));

    public WebAppFixture() : base(PlatformDatabaseProvider.Sqlite, options => options.WebRoot = CreateRoot())
    {
    }

    public string WebRoot => Root;

    private static string CreateRoot()
    {
        Directory.CreateDirectory(Path.Combine(Root, "assets"));
        File.WriteAllText(Path.Combine(Root, "index.html"), $"<!doctype html><title>{Marker}</title><div id=\"root\"></div>");
        File.WriteAllText(Path.Combine(Root, "assets", "app-1234.js"), "console.log('ui');");
        return Root;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
