using Imguard.Contracts.Audit;
using Imguard.Contracts.Projects;
using Imguard.Platform.Projects;
using Imguard.Platform.Security;
using Imguard.Platform.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Imguard.Platform.Api;

/// <summary>
/// Projects and their members. Members see their projects (administrators every project's metadata); a
/// non-member gets 404 for a project, as for a missing one; owners manage members (a project keeps one owner).
/// </summary>
public static class ProjectsApi
{
    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        RouteGroupBuilder projects = routes.MapGroup("/api/projects").WithTags("Projects").RequireAuthorization(PlatformAuthentication.UserPolicy);
        projects.MapGet("/", ListAsync);
        projects.MapPost("/", CreateAsync);
        projects.MapGet("/{id:guid}", GetAsync);
        projects.MapGet("/{id:guid}/members", ListMembersAsync);
        projects.MapPost("/{id:guid}/members", AddMemberAsync);
        projects.MapPut("/{id:guid}/members/{userId:guid}", ChangeMemberAsync);
        projects.MapDelete("/{id:guid}/members/{userId:guid}", RemoveMemberAsync);
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<ProjectView>>> ListAsync(HttpContext http, ProjectService projects, CancellationToken cancellationToken)
    {
        IReadOnlyList<ProjectInfo> list = await projects.ListAsync(http.User.RequireUserId(), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ProjectView>>([.. list.Select(ApiViews.Project)]);
    }

    private static async Task<Results<Created<ProjectView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> CreateAsync(
        CreateProjectRequest request, HttpContext http, ProjectService projects, PlatformAudit audit, CancellationToken cancellationToken)
    {
        var shape = new ImageShape(request.Channels, request.Height, request.Width);
        Outcome<ProjectInfo> created = await projects.CreateAsync(http.User.RequireUserId(),
            new NewProject(request.Name ?? "", request.Description, shape, request.Classes), cancellationToken);
        if (created.IsOk)
        {
            audit.Emit(AuditEventTypes.ProjectCreated, PlatformAudit.Actor(http.User), [Subject(created.Value.Id)], new Dictionary<string, object>
            {
                ["channels"] = shape.Channels,
                ["height"] = shape.Height,
                ["width"] = shape.Width,
                ["classes"] = request.Classes,
            });
        }

        return ApiResults.From(created, project => TypedResults.Created($"/api/projects/{project.Id:D}", ApiViews.Project(project)), http);
    }

    private static async Task<Results<Ok<ProjectView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> GetAsync(
        Guid id, HttpContext http, ProjectService projects, CancellationToken cancellationToken) =>
        ApiResults.From(await projects.GetAsync(http.User.RequireUserId(), id, cancellationToken), project => TypedResults.Ok(ApiViews.Project(project)), http, Subject(id));

    private static async Task<Results<Ok<IReadOnlyList<MemberView>>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ListMembersAsync(
        Guid id, HttpContext http, ProjectService projects, CancellationToken cancellationToken) =>
        ApiResults.From(await projects.ListMembersAsync(http.User.RequireUserId(), id, cancellationToken),
            members => TypedResults.Ok<IReadOnlyList<MemberView>>([.. members.Select(ApiViews.Member)]), http, Subject(id));

    private static async Task<Results<Created<MemberView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> AddMemberAsync(
        Guid id, AddMemberRequest request, HttpContext http, ProjectService projects, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<ProjectMemberInfo> added = await projects.AddMemberAsync(http.User.RequireUserId(), id, request.UserName ?? "", request.Role, cancellationToken);
        if (added.IsOk)
        {
            audit.Emit(AuditEventTypes.MemberAdded, PlatformAudit.Actor(http.User), [Subject(id), $"user:{added.Value.UserId:D}"],
                new Dictionary<string, object> { ["role"] = RoleName(added.Value.Role) });
        }

        return ApiResults.From(added, member => TypedResults.Created($"/api/projects/{id:D}/members/{member.UserId:D}", ApiViews.Member(member)), http, Subject(id));
    }

    private static async Task<Results<Ok<MemberView>, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ChangeMemberAsync(
        Guid id, Guid userId, ChangeMemberRoleRequest request, HttpContext http, ProjectService projects, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<ProjectMemberInfo> changed = await projects.ChangeMemberRoleAsync(http.User.RequireUserId(), id, userId, request.Role, cancellationToken);
        if (changed.IsOk)
        {
            audit.Emit(AuditEventTypes.MemberRoleChanged, PlatformAudit.Actor(http.User), [Subject(id), $"user:{userId:D}"],
                new Dictionary<string, object> { ["role"] = RoleName(changed.Value.Role) });
        }

        return ApiResults.From(changed, member => TypedResults.Ok(ApiViews.Member(member)), http, Subject(id));
    }

    private static async Task<Results<NoContent, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> RemoveMemberAsync(
        Guid id, Guid userId, HttpContext http, ProjectService projects, PlatformAudit audit, CancellationToken cancellationToken)
    {
        Outcome<ProjectMemberInfo> removed = await projects.RemoveMemberAsync(http.User.RequireUserId(), id, userId, cancellationToken);
        if (removed.IsOk)
        {
            audit.Emit(AuditEventTypes.MemberRemoved, PlatformAudit.Actor(http.User), [Subject(id), $"user:{userId:D}"],
                new Dictionary<string, object> { ["role"] = RoleName(removed.Value.Role) });
        }

        return ApiResults.From(removed, _ => TypedResults.NoContent(), http, Subject(id));
    }

    internal static string Subject(Guid projectId) => $"project:{projectId:D}";

    private static string RoleName(ProjectRole role) => role.ToString().ToLowerInvariant();
}
