using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Tests.Projects;

public abstract class ProjectServiceTests(PlatformDatabaseProvider provider) : PlatformTestBase(provider)
{
    [ProviderFact]
    public async Task The_creator_becomes_the_owner()
    {
        UserInfo alice = await UserAsync("alice");
        ProjectInfo project = await ProjectAsync(alice);
        Assert.Equal(ProjectRole.Owner, project.CallerRole);
        Assert.Equal(Shape, project.InputShape);
        var member = Assert.Single(Ok(await Projects.ListMembersAsync(alice.Id, project.Id)));
        Assert.Equal((alice.Id, ProjectRole.Owner), (member.UserId, member.Role));
    }

    [ProviderFact]
    public async Task Bad_project_settings_are_refused()
    {
        UserInfo alice = await UserAsync("alice");
        Fails(OutcomeStatus.Invalid, await Projects.CreateAsync(alice.Id, new NewProject("", null, Shape, 10)), "empty");
        Fails(OutcomeStatus.Invalid, await Projects.CreateAsync(alice.Id, new NewProject("p", null, new ImageShape(5, 28, 28), 10)), "channels");
        Fails(OutcomeStatus.Invalid, await Projects.CreateAsync(alice.Id, new NewProject("p", null, new ImageShape(1, 0, 28), 10)), "height");
        Fails(OutcomeStatus.Invalid, await Projects.CreateAsync(alice.Id, new NewProject("p", null, Shape, 1)), "classes");
    }

    [ProviderFact]
    public async Task Users_see_only_their_projects_and_admins_see_all()
    {
        UserInfo admin = await AdminAsync();
        UserInfo alice = await UserAsync("alice");
        UserInfo bob = await UserAsync("bob");
        ProjectInfo aliceProject = await ProjectAsync(alice, "alice's");
        Clock.Advance(TimeSpan.FromSeconds(1));
        ProjectInfo bobProject = await ProjectAsync(bob, "bob's");

        Assert.Equal([aliceProject.Id], (await Projects.ListAsync(alice.Id)).Select(p => p.Id));
        Assert.Equal([bobProject.Id, aliceProject.Id], (await Projects.ListAsync(admin.Id)).Select(p => p.Id));
        Assert.All(await Projects.ListAsync(admin.Id), p => Assert.Null(p.CallerRole));

        Fails(OutcomeStatus.NotFound, await Projects.GetAsync(alice.Id, bobProject.Id));
        Fails(OutcomeStatus.NotFound, await Projects.GetAsync(alice.Id, Guid.NewGuid()));
        Assert.Equal(
            (await Projects.GetAsync(alice.Id, bobProject.Id)).Error!.Replace(bobProject.Id.ToString(), "", StringComparison.Ordinal),
            (await Projects.GetAsync(alice.Id, Guid.Empty)).Error!.Replace(Guid.Empty.ToString(), "", StringComparison.Ordinal));
        Ok(await Projects.GetAsync(admin.Id, bobProject.Id));
        Fails(OutcomeStatus.Forbidden, await Projects.AddMemberAsync(admin.Id, bobProject.Id, "alice", ProjectRole.Viewer), "administrators");
    }

    [ProviderFact]
    public async Task Only_owners_manage_members()
    {
        UserInfo owner = await UserAsync("owner");
        UserInfo contributor = await UserAsync("contributor");
        UserInfo viewer = await UserAsync("viewer");
        UserInfo carol = await UserAsync("carol");
        ProjectInfo project = await ProjectWithAsync(owner, (contributor, ProjectRole.Contributor), (viewer, ProjectRole.Viewer));

        Fails(OutcomeStatus.Forbidden, await Projects.AddMemberAsync(contributor.Id, project.Id, "carol", ProjectRole.Viewer), "Contributor may not manage members");
        Fails(OutcomeStatus.Forbidden, await Projects.ChangeMemberRoleAsync(viewer.Id, project.Id, viewer.Id, ProjectRole.Owner));
        Fails(OutcomeStatus.NotFound, await Projects.AddMemberAsync(carol.Id, project.Id, "carol", ProjectRole.Owner));
        Fails(OutcomeStatus.Conflict, await Projects.AddMemberAsync(owner.Id, project.Id, "VIEWER", ProjectRole.Viewer), "member already");
        Fails(OutcomeStatus.NotFound, await Projects.AddMemberAsync(owner.Id, project.Id, "nobody", ProjectRole.Viewer));

        Assert.Equal(ProjectRole.Owner, Ok(await Projects.ChangeMemberRoleAsync(owner.Id, project.Id, contributor.Id, ProjectRole.Owner)).Role);
        Assert.Equal(3, Ok(await Projects.ListMembersAsync(viewer.Id, project.Id)).Count);
    }

    [ProviderFact]
    public async Task The_last_owner_cannot_be_removed_or_demoted()
    {
        UserInfo owner = await UserAsync("owner");
        UserInfo viewer = await UserAsync("viewer");
        ProjectInfo project = await ProjectWithAsync(owner, (viewer, ProjectRole.Viewer));

        Fails(OutcomeStatus.Conflict, await Projects.RemoveMemberAsync(owner.Id, project.Id, owner.Id), "at least one owner");
        Fails(OutcomeStatus.Conflict, await Projects.ChangeMemberRoleAsync(owner.Id, project.Id, owner.Id, ProjectRole.Viewer), "at least one owner");

        Ok(await Projects.ChangeMemberRoleAsync(owner.Id, project.Id, viewer.Id, ProjectRole.Owner));
        Ok(await Projects.RemoveMemberAsync(owner.Id, project.Id, owner.Id));
        Fails(OutcomeStatus.NotFound, await Projects.GetAsync(owner.Id, project.Id));
    }

    [ProviderFact]
    public async Task A_member_may_leave_and_owners_may_remove_members()
    {
        UserInfo owner = await UserAsync("owner");
        UserInfo viewer = await UserAsync("viewer");
        UserInfo contributor = await UserAsync("contributor");
        ProjectInfo project = await ProjectWithAsync(owner, (viewer, ProjectRole.Viewer), (contributor, ProjectRole.Contributor));

        Fails(OutcomeStatus.Forbidden, await Projects.RemoveMemberAsync(viewer.Id, project.Id, contributor.Id));
        Assert.Equal(viewer.Id, Ok(await Projects.RemoveMemberAsync(viewer.Id, project.Id, viewer.Id)).UserId);
        Ok(await Projects.RemoveMemberAsync(owner.Id, project.Id, contributor.Id));
        Assert.Empty(await Projects.ListAsync(viewer.Id));
        Assert.Single(Ok(await Projects.ListMembersAsync(owner.Id, project.Id)));
    }

    [ProviderFact]
    public async Task Two_owners_removing_each_other_at_once_leave_one_owner()
    {
        UserInfo first = await UserAsync("first");
        UserInfo second = await UserAsync("second");
        ProjectInfo project = await ProjectWithAsync(first, (second, ProjectRole.Owner));

        var results = await Task.WhenAll(
            Task.Run(() => Projects.RemoveMemberAsync(first.Id, project.Id, second.Id)),
            Task.Run(() => Projects.RemoveMemberAsync(second.Id, project.Id, first.Id)));

        Assert.Single(results, r => r.IsOk);
        UserInfo survivor = results[0].IsOk ? first : second;
        var member = Assert.Single(Ok(await Projects.ListMembersAsync(survivor.Id, project.Id)));
        Assert.Equal(ProjectRole.Owner, member.Role);
    }
}

public sealed class SqliteProjectServiceTests() : ProjectServiceTests(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresProjectServiceTests() : ProjectServiceTests(PlatformDatabaseProvider.PostgreSql), IPostgresTests;
