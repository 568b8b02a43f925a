using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// The platform's OpenAPI document is checked in at <c>web/src/api/openapi.json</c>; the web UI's API types are
/// generated from it (openapi-typescript, checked by <c>npm run check:api</c>). This test fails when the document the
/// real platform serves (its real endpoint registration) differs from the checked-in copy, so an API change cannot land
/// without the UI's types following it. To regenerate: run this test with <c>IMGUARD_UPDATE_OPENAPI=1</c>, then
/// <c>cd web &amp;&amp; npm run generate:api</c>.
/// </summary>
public sealed class OpenApiDocumentTests(SqlitePlatformApiFixture fixture) : IClassFixture<SqlitePlatformApiFixture>
{
    public const string UpdateVariable = "IMGUARD_UPDATE_OPENAPI";

    [Fact]
    public async Task The_checked_in_OpenAPI_document_is_the_one_the_platform_serves()
    {
        using ApiClient anonymous = fixture.Anonymous();
        HttpResponseMessage response = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string served = Normalize(await response.Content.ReadAsStringAsync());

        string path = Path.Combine(RepositoryRoot(), "web", "src", "api", "openapi.json");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run this test with {UpdateVariable}=1.");
        string checkedIn = await File.ReadAllTextAsync(path);
        Assert.True(checkedIn == served,
            $"web/src/api/openapi.json is not the document the platform serves: run this test with {UpdateVariable}=1, then `cd web && npm run generate:api`.");
    }

    /// <summary>The served document without its <c>servers</c> (the test host's port), indented, with a final newline.</summary>
    internal static string Normalize(string json)
    {
        JsonObject document = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("The OpenAPI document is not a JSON object.");
        document.Remove("servers");
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 2 }).ReplaceLineEndings("\n") + "\n";
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Imguard.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Imguard.slnx not found above " + AppContext.BaseDirectory);
    }
}
