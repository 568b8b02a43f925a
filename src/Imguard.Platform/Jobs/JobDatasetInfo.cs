using Imguard.Contracts.Datasets;

namespace Imguard.Platform.Jobs;

/// <summary>One dataset of a training job as its approvers were shown it: union position, owner, owner key, count and format.</summary>
public sealed record JobDatasetInfo(int Position, string DatasetId, DatasetPurpose Purpose, string Name, Guid OwnerId, string OwnerName, byte[] OwnerKey,
    int Images, int FractionalBits);
