using System.Net;
using System.Text.Json;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Projects;
using Imguard.Platform.Api;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// Every text a user sends — body fields, path values, query values — with a NUL (a 500 on PostgreSQL before), a bidi
/// override or a zero-width character is a 400 whose problem names the field; on both database providers.
/// </summary>
public abstract class TextInputApiTests(PlatformApiFixture fixture)
{
    public static TheoryData<int> Characters => new() { 0x0000, 0x202E, 0x200B };

    [ProviderTheory]
    [MemberData(nameof(Characters))]
    public async Task Every_field_refuses_the_character_with_a_400_naming_it(int codePoint)
    {
        string bad = ((char)codePoint).ToString();
        string name = PlatformApiFixture.Unique("tina");
        using ApiClient owner = await fixture.CliAsync(name);
        using ApiClient admin = await fixture.AdminAsync();
        ProjectView project = await ApiTestData.ProjectAsync(owner);
        DatasetView dataset = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        var cases = new (ApiClient Client, HttpMethod Method, string Path, object? Body, string Field)[]
        {
            (owner, HttpMethod.Post, "/api/auth/register", new { userName = "u" + bad + "x", password = PlatformApiFixture.Password }, "userName"),
            (owner, HttpMethod.Post, "/api/auth/register", new { userName = PlatformApiFixture.Unique("una"), displayName = "Una" + bad, password = PlatformApiFixture.Password }, "displayName"),
            (owner, HttpMethod.Post, "/api/auth/login", new { userName = name + bad, password = PlatformApiFixture.Password }, "userName"),
            (owner, HttpMethod.Post, "/api/auth/tokens", new { userName = name, password = PlatformApiFixture.Password, name = "cli" + bad }, "name"),
            (owner, HttpMethod.Post, "/api/projects", new { name = "faces" + bad, channels = 1, height = 8, width = 8, classes = 3 }, "name"),
            (owner, HttpMethod.Post, "/api/projects", new { name = "faces", description = "about" + bad, channels = 1, height = 8, width = 8, classes = 3 }, "description"),
            (owner, HttpMethod.Post, $"/api/projects/{project.Id}/members", new { userName = "bob" + bad, role = "viewer" }, "userName"),
            (owner, HttpMethod.Post, $"/api/projects/{project.Id}/datasets",
                new { name = "batch" + bad, purpose = "train", count = 8, fractionalBits = 16, digest0 = ApiTestData.Digest("a"), digest1 = ApiTestData.Digest("b") }, "name"),
            (owner, HttpMethod.Post, $"/api/projects/{project.Id}/datasets",
                new { name = "batch", purpose = "train", count = 8, fractionalBits = 16, digest0 = ApiTestData.Digest("a"), digest1 = ApiTestData.Digest("b"), id = "ds-" + bad }, "id"),
            (owner, HttpMethod.Post, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(dataset.Id + bad), "trainDatasetId"),
            (owner, HttpMethod.Post, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(dataset.Id, model: "mlp" + bad), "model"),
            (owner, HttpMethod.Post, $"/api/projects/{project.Id}/jobs",
                ApiTestData.Job(dataset.Id, model: new { input = new[] { 1, 8, 8 }, classes = 3, layers = new object[] { new { type = "linear" + bad, outFeatures = 3 } } }), "model.layers"),
            (owner, HttpMethod.Get, $"/api/datasets/ds-{Uri.EscapeDataString(bad)}", null, "id"),
            (owner, HttpMethod.Delete, $"/api/datasets/{Uri.EscapeDataString(dataset.Id + bad)}", null, "id"),
            (owner, HttpMethod.Get, $"/api/jobs/job-{Uri.EscapeDataString(bad)}/log", null, "id"),
            (admin, HttpMethod.Get, $"/api/audit/records?actor={Uri.EscapeDataString("user:" + bad)}", null, "actor"),
        };

        foreach ((ApiClient client, HttpMethod method, string path, object? body, string field) in cases)
        {
            using HttpResponseMessage response = await client.SendAsync(method, path, body);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} ({field}): {(int)response.StatusCode} {text}");
            if (text.Length == 0 && codePoint == 0 && path.Contains("%00", StringComparison.Ordinal))
            {
                continue; // Kestrel refuses a NUL in the path itself, before the platform sees the request
            }

            string detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains($"'{field}", detail, StringComparison.Ordinal);
            Assert.Contains($"U+{codePoint:X4}", detail, StringComparison.Ordinal);
        }

        // Nothing was stored; the owner's one project is as it was.
        Assert.Single(await owner.GetAsync<ProjectView[]>("/api/projects"));
        Assert.Single(await owner.GetAsync<DatasetView[]>($"/api/projects/{project.Id}/datasets"));
    }

    [ProviderFact]
    public async Task A_description_keeps_its_lines_a_name_is_one_line_and_a_password_may_hold_anything()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("uma"));
        ProjectView project = await owner.PostAsync<ProjectView>("/api/projects",
            new { name = "faces", description = "Line one\n\tLine two", channels = 1, height = 8, width = 8, classes = 3 }, HttpStatusCode.Created);
        Assert.Equal("Line one\n\tLine two", project.Description);
        using HttpResponseMessage twoLines = await owner.PostAsync("/api/projects", new { name = "two\nlines", channels = 1, height = 8, width = 8, classes = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, twoLines.StatusCode);
        Assert.Contains("project name", await twoLines.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // An escaped lone surrogate in a string field or inside a JSON value (a model spec) is a 400, never a 500.
        DatasetView dataset = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        foreach ((string path, string json) in new[]
        {
            ("/api/projects", """{"name":"\ud800","channels":1,"height":8,"width":8,"classes":3}"""),
            ($"/api/projects/{project.Id}/jobs", $$"""{"model":{"input":[1,8,8],"classes":3,"layers":[{"type":"\ud800"}]},"trainDatasetId":"{{dataset.Id}}"}"""),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", owner.Bearer);
            using HttpResponseMessage lone = await owner.Http.SendAsync(request);
            Assert.True(lone.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)lone.StatusCode} {await lone.Content.ReadAsStringAsync()}");
        }

        // Passwords are hashed, never stored or shown: any character is theirs to use.
        string odd = "pass\0word with \u202E and \u200B in it";
        using ApiClient cli = await fixture.CliAsync(PlatformApiFixture.Unique("vera"), odd);
        Assert.NotNull(cli.Bearer);
    }
}

public sealed class SqliteTextInputApiTests(SqlitePlatformApiFixture fixture) : TextInputApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresTextInputApiTests(PostgresPlatformApiFixture fixture) : TextInputApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;
