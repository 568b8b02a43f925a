using Imguard.Contracts.Datasets;

namespace Imguard.Platform.Data;

/// <summary>
/// Row of <c>job_datasets</c>: one dataset of a training job, in union order (<see cref="Position"/> 0 is the first
/// training dataset, then the further ones, then the test set). What the approvers were shown and signed is kept as it
/// was at creation: the owner's name, the owner key the parties reported, the count and the number format.
/// </summary>
internal sealed class JobDatasetEntity
{
    public string JobId { get; set; } = "";

    public int Position { get; set; }

    public string DatasetId { get; set; } = "";

    public DatasetPurpose Purpose { get; set; }

    public string Name { get; set; } = "";

    public Guid OwnerId { get; set; }

    public string OwnerName { get; set; } = "";

    public byte[] OwnerKey { get; set; } = [];

    public int Images { get; set; }

    public int FractionalBits { get; set; }
}
