using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Imguard.Platform.Datasets;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Tests.Security;

/// <summary>
/// Every text the services store refuses a NUL (PostgreSQL cannot store one: it used to be a 500), the other control
/// characters, bidi controls and zero-width characters, naming the field; on both providers. Lookups by an id
/// holding such characters find nothing instead of failing the query.
/// </summary>
public abstract class TextInputServiceTests(PlatformDatabaseProvider provider) : PlatformTestBase(provider)
{
    // Code points, not strings, as theory data: test names stay printable.
    public static TheoryData<int> Hostile => new() { 0x0000, 0x202E, 0x200B, 0x001B, 0x0085, 0xFEFF, 0x2066, 0xD800 };

    [ProviderTheory]
    [MemberData(nameof(Hostile))]
    public async Task Every_stored_text_refuses_the_character_and_names_its_field(int codePoint)
    {
        string bad = ((char)codePoint).ToString();
        UserInfo alice = await UserAsync("alice");
        Fails(OutcomeStatus.Invalid, await Accounts.RegisterAsync("mallory", "Mall" + bad + "ory", Password), "display name");
        Fails(OutcomeStatus.Invalid, await Projects.CreateAsync(alice.Id, new NewProject("fa" + bad + "ces", null, Shape, 10)), "project name");
        Fails(OutcomeStatus.Invalid, await Projects.CreateAsync(alice.Id, new NewProject("faces", "about" + bad + " it", Shape, 10)), "description");
        ProjectInfo project = await ProjectAsync(alice);
        Fails(OutcomeStatus.Invalid, await Datasets.RegisterAsync(alice.Id, Registration(project.Id) with { Name = "bat" + bad + "ch" }), "dataset name");
        Fails(OutcomeStatus.Invalid, await Tokens.CreateAsync(alice.Id, "lap" + bad + "top"), "token name");

        // Nothing was stored by the refused requests.
        Assert.Null(await Accounts.FindByUserNameAsync("mallory"));
        Assert.Single(await Projects.ListAsync(alice.Id));
        Assert.Empty(Ok(await Datasets.ListAsync(alice.Id, project.Id)));
        Assert.Empty(await Tokens.ListAsync(alice.Id));
    }

    [ProviderFact]
    public async Task A_description_keeps_its_lines_and_tabs()
    {
        UserInfo alice = await UserAsync("alice");
        ProjectInfo project = Ok(await Projects.CreateAsync(alice.Id, new NewProject("faces", "Line one\n\tLine two", Shape, 10)));
        Assert.Equal("Line one\n\tLine two", project.Description);
        Fails(OutcomeStatus.Invalid, await Projects.CreateAsync(alice.Id, new NewProject("two\nlines", null, Shape, 10)), "U+000A");
    }

    [ProviderFact]
    public async Task A_dataset_id_with_a_NUL_is_not_found_rather_than_a_failed_query()
    {
        UserInfo alice = await UserAsync("alice");
        await ProjectAsync(alice);
        Fails(OutcomeStatus.NotFound, await Datasets.GetAsync(alice.Id, "ds-\0"));
        Fails(OutcomeStatus.NotFound, await Datasets.GetForPartyAsync("ds-\u202E01"));
        Fails(OutcomeStatus.NotFound, await HalfReports.ReportHalfAsync("ds-\0", 0, Shape, 100, Digest("half 0")));
    }
}

public sealed class SqliteTextInputServiceTests() : TextInputServiceTests(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresTextInputServiceTests() : TextInputServiceTests(PlatformDatabaseProvider.PostgreSql), IPostgresTests;
