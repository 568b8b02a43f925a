using Imguard.Client.Platform;
using Imguard.Client.Uploads;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Projects;
using Imguard.Contracts.Uploads;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;

namespace Imguard.Client.Datasets;

/// <summary>
/// The owner's upload flow: share the images locally, register the dataset (its id and both halves' digests) with the
/// platform, send each half straight to its party under the platform's grant (the platform never relays a share), and
/// wait until both parties have reported matching halves. The share files stay in the work folder until both
/// uploads are done, so an interrupted upload is resumed by running it again with the same folder.
/// </summary>
public sealed class DatasetUpload(PlatformApi platform)
{
    public sealed record Result(DatasetView Dataset, string StandardizationPath);

    public async Task<Result> RunAsync(Guid projectId, string name, DatasetPurpose purpose, LabeledImages raw, Standardization? standardization,
        string workDirectory, bool seedCompressParty0, IProgress<(int Party, long Sent, long Total)>? progress, TimeSpan readyTimeout,
        ReadOnlyMemory<byte> ownerKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ProjectView project = await platform.GetProjectAsync(projectId, cancellationToken);
        if (raw.Channels != project.Channels || raw.Height != project.Height || raw.Width != project.Width || raw.ClassCount != project.Classes)
        {
            throw new InvalidOperationException($"The images are {raw.Channels}×{raw.Height}×{raw.Width} with {raw.ClassCount} classes; project " +
                $"'{project.Name}' expects {project.Channels}×{project.Height}×{project.Width} with {project.Classes} classes.");
        }
        string datasetId = OwnerSharing.NewDatasetId();
        string folder = Path.Combine(workDirectory, datasetId);
        (OwnerHalfFiles files, _) = await OwnerSharing.ShareAsync(raw, datasetId, folder, standardization, seedCompressParty0,
            ownerKey: ownerKey, cancellationToken: cancellationToken);
        DatasetUploadView registered = await platform.RegisterDatasetAsync(projectId, new RegisterDatasetRequest(
            name, purpose, raw.Count, Mpc.Encoding.FixedPointFormat.Default.FractionalBits, files.Party0Digest.ToHex(), files.Party1Digest.ToHex(), datasetId), cancellationToken);

        Task<UploadCompletedReply>[] uploads = [.. registered.Uploads.Select(grant => UploadHalfAsync(grant, grant.Party == 0 ? files.Party0Path : files.Party1Path, datasetId, progress, cancellationToken))];
        await Task.WhenAll(uploads);
        File.Delete(files.Party0Path);
        File.Delete(files.Party1Path);

        DatasetView dataset = await WaitUntilSettledAsync(datasetId, readyTimeout, cancellationToken);
        return new Result(dataset, OwnerSharing.StandardizationPath(folder, datasetId));
    }

    private async Task<UploadCompletedReply> UploadHalfAsync(GrantView grant, string file, string datasetId, IProgress<(int, long, long)>? progress, CancellationToken cancellationToken)
    {
        using HttpClient party = platform.PartyClient(grant);
        var uploader = new ShareUploader(party, grant.Party);
        return await uploader.UploadAsync(file, datasetId, grant.Grant,
            progress is null ? null : new Progress<(long Sent, long Total)>(p => progress.Report((grant.Party, p.Sent, p.Total))), cancellationToken);
    }

    /// <summary>Polls until the dataset is Ready (or Rejected, which is an error naming the reason).</summary>
    public async Task<DatasetView> WaitUntilSettledAsync(string datasetId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            DatasetView dataset = await platform.GetDatasetAsync(datasetId, cancellationToken);
            switch (dataset.Status)
            {
                case DatasetStatus.Ready:
                    return dataset;
                case DatasetStatus.Rejected:
                    throw new InvalidOperationException($"Dataset {datasetId} was rejected: {dataset.RejectionReason}");
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Dataset {datasetId} is not ready after {timeout.TotalSeconds:0} s (party 0 reported: {dataset.Party0Reported}, " +
                    $"party 1 reported: {dataset.Party1Reported}); the parties keep reporting in the background — check `imguard dataset status {datasetId}`.");
            }
            await Task.Delay(250, cancellationToken);
        }
    }
}
