namespace Imguard.Contracts.Audit;

/// <summary>
/// The event types IMGuard's services emit, in one place so that the audit viewer, the tests and the emitters agree.
/// Events carry ids, sizes, hashes and counts, never image, share, weight or token values.
/// </summary>
public static class AuditEventTypes
{
    public const string ServiceStarted = "service.started";
    public const string ServiceStopped = "service.stopped";
    public const string UserRegistered = "user.registered";
    public const string UserLogin = "user.login";
    public const string UserLoginFailed = "user.login_failed";
    public const string UserLockedOut = "user.locked_out";
    public const string UserLogout = "user.logout";
    public const string UserRoleChanged = "user.role_changed";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string UserPasswordReset = "user.password_reset";
    public const string ApiTokenCreated = "token.created";
    public const string ApiTokenRevoked = "token.revoked";
    public const string PermissionDenied = "access.denied";
    public const string ProjectCreated = "project.created";
    public const string MemberAdded = "project.member_added";
    public const string MemberRemoved = "project.member_removed";
    public const string MemberRoleChanged = "project.member_role_changed";
    public const string DatasetRegistered = "dataset.registered";
    public const string DatasetHalfReceived = "dataset.half_received";
    public const string DatasetReady = "dataset.ready";
    public const string DatasetRejected = "dataset.rejected";
    public const string DatasetDeletionRequested = "dataset.deletion_requested";
    public const string DatasetDeleted = "dataset.deleted";

    /// <summary>A dataset's owner disclosed the per-channel statistics it was standardised with (public from then on; the event carries them).</summary>
    public const string DatasetStatisticsDisclosed = "dataset.statistics_disclosed";
    public const string UploadRejected = "upload.rejected";
    public const string RandomnessIssued = "randomness.issued";
    public const string GrantIssued = "grant.issued";
    public const string JobCreated = "job.created";
    public const string JobCancelRequested = "job.cancel_requested";
    public const string JobStateChanged = "job.state_changed";
    public const string ModelDownloaded = "model.downloaded";
    public const string SigningKeyRegistered = "key.registered";
    public const string ConsentRequested = "consent.requested";
    public const string ConsentApproved = "consent.approved";
    public const string ConsentDeclined = "consent.declined";
    public const string ConsentWithdrawn = "consent.withdrawn";
    public const string JobStartRefused = "job.start_refused";

    /// <summary>A party refused a model or evaluation download whose signed request was missing, invalid or by a key not entitled to it.</summary>
    public const string ModelRequestRefused = "model.request_refused";
}
