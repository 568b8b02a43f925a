namespace Imguard.Contracts.Jobs;

/// <summary>
/// One dataset of a training job, in union order, and what its owner contributes: <c>purpose</c> is <c>train</c> or
/// <c>test</c>; <c>images</c> the dataset's count; <c>imagesPerEpoch</c> how many of them each epoch uses (every epoch
/// visits every training image, so the count for a training set; 0 for a test set, evaluated once after training);
/// <c>ownerKeyFingerprint</c> the short fingerprint of the owner key the parties found in its halves. Counts only:
/// public to every participant.
/// </summary>
public sealed record JobDatasetView(string DatasetId, string Name, string Purpose, string Owner, string OwnerKeyFingerprint, long Images, long ImagesPerEpoch);
