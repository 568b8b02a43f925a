namespace Imguard.Contracts.Grants;

/// <summary>What a <see cref="Grant"/> lets its holder do at a party.</summary>
public enum GrantPurpose
{
    /// <summary>Upload this party's half of a dataset.</summary>
    UploadDataset,

    /// <summary>Download this party's share of a job's model (owner only).</summary>
    DownloadModel,
}
