using Imguard.Contracts.Jobs;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;

namespace Imguard.Platform;

/// <summary>
/// The one place the platform makes its failures: exceptions for programming and configuration errors, failed
/// <see cref="Outcome{T}"/>s for what callers are expected to get wrong. Messages name ids, fields, roles and limits;
/// they never carry a password, a token, a hash or anything derived from share contents.
/// </summary>
internal static class PlatformError
{
    // ---- exceptions: bugs and bad configuration ----

    public static ArgumentException EmptyConnectionString() =>
        new("The platform database connection string must not be empty.", "ConnectionString");

    public static ArgumentException BadProvider(string name) =>
        new($"Unknown platform database provider '{name}'; use Sqlite or PostgreSql.");

    public static ArgumentOutOfRangeException BadOption(string name, string rule) =>
        new(name, $"The option {name} is out of range: {rule}.");

    public static InvalidOperationException IllegalTransition(JobState from, JobState to, string reason) =>
        new($"A job cannot go from {from} to {to}: {reason}");

    // ---- outcomes: expected failures ----

    public static Outcome<T> Invalid<T>(string message) => Outcome<T>.Failure(OutcomeStatus.Invalid, message);

    public static Outcome<T> Conflict<T>(string message) => Outcome<T>.Failure(OutcomeStatus.Conflict, message);

    public static Outcome<T> Forbidden<T>(string message) => Outcome<T>.Failure(OutcomeStatus.Forbidden, message);

    public static Outcome<T> ProjectNotFound<T>(Guid projectId) =>
        Outcome<T>.Failure(OutcomeStatus.NotFound, $"No project {projectId} exists, or you are not a member of it.");

    public static Outcome<T> DatasetNotFound<T>(string datasetId) =>
        Outcome<T>.Failure(OutcomeStatus.NotFound, $"No dataset '{Shorten(datasetId)}' exists, or you may not see it.");

    public static Outcome<T> JobNotFound<T>(string jobId) =>
        Outcome<T>.Failure(OutcomeStatus.NotFound, $"No job '{Shorten(jobId)}' exists, or you may not see it.");

    public static Outcome<T> UserNotFound<T>(string what) =>
        Outcome<T>.Failure(OutcomeStatus.NotFound, $"No user {what} exists.");

    public static Outcome<T> NoSigningKey<T>() =>
        Outcome<T>.Failure(OutcomeStatus.NotFound, "You have registered no signing key: imguard login registers one, and so does signing in to the web UI.");

    public static Outcome<T> TokenNotFound<T>(Guid tokenId) =>
        Outcome<T>.Failure(OutcomeStatus.NotFound, $"No API token {tokenId} exists, or it is not yours.");

    public static Outcome<T> InactiveAccount<T>() =>
        Outcome<T>.Failure(OutcomeStatus.Forbidden, "Your account does not exist or is disabled.");

    public static Outcome<T> AdminOnly<T>() =>
        Outcome<T>.Failure(OutcomeStatus.Forbidden, "Only administrators may do this.");

    /// <summary>The failure for a project check that did not allow: not found, or forbidden naming role and permission.</summary>
    public static Outcome<T> Denied<T>(ProjectAccessCheck check, Guid projectId, ProjectPermission permission) =>
        check.Decision == AccessDecision.NotFound
            ? ProjectNotFound<T>(projectId)
            : Forbidden<T>(check.Role is { } role
                ? $"A project {role} may not {Describe(permission)}."
                : $"Administrators see other projects' metadata only; they may not {Describe(permission)}.");

    public static Outcome<T> UserNameTaken<T>(string userName) =>
        Conflict<T>($"The user name '{userName}' is taken (user names ignore case).");

    public static Outcome<T> LastOwner<T>() =>
        Conflict<T>("A project keeps at least one owner: make another member owner first.");

    public static Outcome<T> LastAdmin<T>() =>
        Conflict<T>("The platform keeps at least one active administrator: make another user administrator first.");

    /// <summary>A storage quota would be exceeded: a Conflict (409), resolved by deleting datasets or a larger quota.</summary>
    public static Outcome<T> QuotaExceeded<T>(string message) => Conflict<T>(message);

    public static Outcome<T> ConcurrentUpdate<T>() =>
        Conflict<T>("The record kept changing while this request was applied; try again.");

    private static string Describe(ProjectPermission permission) => permission switch
    {
        ProjectPermission.View => "view this project",
        ProjectPermission.UploadData => "upload data",
        ProjectPermission.ManageMembers => "manage members",
        ProjectPermission.StartJob => "start jobs",
        ProjectPermission.CancelJob => "cancel jobs",
        ProjectPermission.DownloadModel => "download models",
        ProjectPermission.DeleteData => "delete data",
        _ => permission.ToString(),
    };

    // Ids come from callers; echo a bounded prefix only.
    private static string Shorten(string id) => id.Length <= 48 ? id : id[..48] + "…";
}
