using Imguard.Contracts.Accounts;
using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Tests.Projects;

public sealed class ProjectAccessTests
{
    public static TheoryData<ProjectRole, ProjectPermission, bool> Matrix()
    {
        var data = new TheoryData<ProjectRole, ProjectPermission, bool>();
        foreach (ProjectPermission permission in Enum.GetValues<ProjectPermission>())
        {
            data.Add(ProjectRole.Viewer, permission, permission == ProjectPermission.View);
            data.Add(ProjectRole.Contributor, permission, permission is ProjectPermission.View or ProjectPermission.UploadData);
            data.Add(ProjectRole.Owner, permission, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Members_get_exactly_their_roles_permissions(ProjectRole role, ProjectPermission permission, bool allowed)
    {
        Assert.Equal(allowed, ProjectAccess.Grants(role, permission));
        Assert.Equal(allowed ? AccessDecision.Allowed : AccessDecision.Forbidden, ProjectAccess.Decide(GlobalRole.User, role, permission));
    }

    [Fact]
    public void The_named_cases_hold()
    {
        Assert.Equal(AccessDecision.Forbidden, ProjectAccess.Decide(GlobalRole.User, ProjectRole.Viewer, ProjectPermission.StartJob));
        Assert.Equal(AccessDecision.Forbidden, ProjectAccess.Decide(GlobalRole.User, ProjectRole.Contributor, ProjectPermission.DownloadModel));
        Assert.Equal(AccessDecision.Allowed, ProjectAccess.Decide(GlobalRole.User, ProjectRole.Contributor, ProjectPermission.UploadData));
    }

    [Theory]
    [InlineData(ProjectPermission.View)]
    [InlineData(ProjectPermission.StartJob)]
    [InlineData(ProjectPermission.DownloadModel)]
    public void A_non_member_finds_nothing(ProjectPermission permission) =>
        Assert.Equal(AccessDecision.NotFound, ProjectAccess.Decide(GlobalRole.User, null, permission));

    [Fact]
    public void An_admin_sees_any_projects_metadata_and_gets_no_data_rights()
    {
        foreach (ProjectPermission permission in Enum.GetValues<ProjectPermission>())
        {
            Assert.Equal(permission == ProjectPermission.View ? AccessDecision.Allowed : AccessDecision.Forbidden,
                ProjectAccess.Decide(GlobalRole.Admin, null, permission));
        }

        // An admin who is also an owner has the owner's rights.
        Assert.Equal(AccessDecision.Allowed, ProjectAccess.Decide(GlobalRole.Admin, ProjectRole.Owner, ProjectPermission.DownloadModel));
    }
}
