namespace Imguard.Platform.Projects;

/// <summary>What a user may do with a project; <see cref="ProjectAccess"/> maps roles to these.</summary>
public enum ProjectPermission
{
    /// <summary>See the project, its members, its datasets' metadata, its jobs and their logs.</summary>
    View,

    /// <summary>Register datasets (and upload their halves to the parties).</summary>
    UploadData,

    /// <summary>Add and remove members, change their roles.</summary>
    ManageMembers,

    /// <summary>Start training jobs.</summary>
    StartJob,

    /// <summary>Cancel jobs.</summary>
    CancelJob,

    /// <summary>Download the trained model's two shares (only the owner may reconstruct a model).</summary>
    DownloadModel,

    /// <summary>Delete datasets (both parties then remove their halves).</summary>
    DeleteData,
}
