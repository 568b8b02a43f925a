namespace Imguard.Platform.Datasets;

/// <summary>
/// What moves a dataset, each named after who causes it; <see cref="DatasetStateMachine"/> holds where each may lead.
/// (Registration, by a project member with <see cref="Projects.ProjectPermission.UploadData"/>, creates a dataset in
/// <see cref="DatasetStateMachine.Initial"/>.)
/// </summary>
public enum DatasetTrigger
{
    /// <summary>A party reports the half it received (the party's certificate says which party).</summary>
    PartyReportsHalf,

    /// <summary>A project member with <see cref="Projects.ProjectPermission.DeleteData"/> asks for the dataset's deletion.</summary>
    MemberRequestsDeletion,

    /// <summary>A party removed its half (the platform's deletion worker asked it and records its answer).</summary>
    PartyConfirmsDeletion,
}
