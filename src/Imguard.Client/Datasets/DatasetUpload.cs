using Imguard.Client.Platform;
using Imguard.Client.Uploads;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Projects;
using Imguard.Contracts.Shares;
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
    /// <param name="Dataset">The dataset as the platform records it once settled.</param>
    /// <param name="StandardizationPath">The statistics kept beside the shares; null for a raw dataset, which has none.</param>
    public sealed record Result(DatasetView Dataset, string? StandardizationPath);

    /// <summary>
    /// Shares <paramref name="raw"/> with <paramref name="scaling"/> — <see cref="PixelScalings.Own"/>: standardised with
    /// <paramref name="standardization"/> (a test set's training statistics) or, when null, statistics fitted here and
    /// kept; <see cref="PixelScalings.Raw"/>: x/255, <paramref name="standardization"/> must be null — registers it with
    /// that scaling and uploads both halves.
    /// </summary>
    public async Task<Result> RunAsync(Guid projectId, string name, DatasetPurpose purpose, LabeledImages raw, PixelScaling scaling, Standardization? standardization,
        string workDirectory, bool seedCompressParty0, IProgress<(int Party, long Sent, long Total)>? progress, TimeSpan readyTimeout,
        ReadOnlyMemory<byte> ownerKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(scaling);
        if (scaling.Kind is not (PixelScalings.Raw or PixelScalings.Own) || (scaling.Kind == PixelScalings.Raw && standardization is not null))
        {
            throw new ArgumentException("A client shares raw pixels (without statistics) or standardises with its owner's own statistics.", nameof(scaling));
        }
        ProjectView project = await platform.GetProjectAsync(projectId, cancellationToken);
        if (raw.Channels != project.Channels || raw.Height != project.Height || raw.Width != project.Width || raw.ClassCount != project.Classes)
        {
            throw new InvalidOperationException($"The images are {raw.Channels}×{raw.Height}×{raw.Width} with {raw.ClassCount} classes; project " +
                $"'{project.Name}' expects {project.Channels}×{project.Height}×{project.Width} with {project.Classes} classes.");
        }
        string datasetId = OwnerSharing.NewDatasetId();
        string folder = Path.Combine(workDirectory, datasetId);
        OwnerHalfFiles files = scaling.Kind == PixelScalings.Raw
            ? await OwnerSharing.ShareRawAsync(raw, datasetId, folder, seedCompressParty0, ownerKey: ownerKey, cancellationToken: cancellationToken)
            : (await OwnerSharing.ShareAsync(raw, datasetId, folder, standardization, seedCompressParty0, ownerKey: ownerKey, cancellationToken: cancellationToken)).Files;
        DatasetUploadView registered = await platform.RegisterDatasetAsync(projectId, new RegisterDatasetRequest(
            name, purpose, raw.Count, Mpc.Encoding.FixedPointFormat.Default.FractionalBits, files.Party0Digest.ToHex(), files.Party1Digest.ToHex(), datasetId,
            scaling.Kind == PixelScalings.Raw ? PixelScaling.Raw : PixelScaling.Own), cancellationToken);

        Task<UploadCompletedReply>[] uploads = [.. registered.Uploads.Select(grant => UploadHalfAsync(grant, grant.Party == 0 ? files.Party0Path : files.Party1Path, datasetId, progress, cancellationToken))];
        await Task.WhenAll(uploads);
        File.Delete(files.Party0Path);
        File.Delete(files.Party1Path);
        if (scaling.Kind == PixelScalings.Own)
        {
            // Without the shares the record only repeats what the statistics file beside it says (own, the class names);
            // a raw dataset keeps it: it is where its class names are kept.
            File.Delete(DatasetScalingRecord.PathOf(folder, datasetId));
        }

        DatasetView dataset = await WaitUntilSettledAsync(datasetId, readyTimeout, cancellationToken);
        return new Result(dataset, scaling.Kind == PixelScalings.Raw ? null : OwnerSharing.StandardizationPath(folder, datasetId));
    }

    /// <summary>
    /// The offline plugin's second step (seed 000): uploads the two share files that <c>imguard dataset share</c> (or the
    /// browser) wrote earlier into <paramref name="directory"/>, checked as a fresh upload is — each file verified whole
    /// (header, length, every chunk) before anything is registered, the two halves required to belong together (party 0
    /// and 1 of one dataset id, one shape, count, format and owner key) and to fit the project — then registered by
    /// their digests, sent to the parties (which verify them again) and waited for. The files are kept: they are the
    /// owner's. The dataset is registered with the scaling the <see cref="DatasetScalingRecord"/> beside the files
    /// names; <paramref name="declared"/> (the user's <c>--scaling</c>) must agree with it, and is required for files
    /// without a record (shared before it, or elsewhere).
    /// </summary>
    public async Task<Result> RunFromSharesAsync(Guid projectId, string name, DatasetPurpose purpose, string directory, PixelScaling? declared,
        IProgress<(int Party, long Sent, long Total)>? progress, TimeSpan readyTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string[] halves0 = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.party0.share") : [];
        if (halves0.Length != 1)
        {
            throw new ArgumentException(halves0.Length == 0
                ? $"'{directory}' holds no <id>.party0.share; give the folder `imguard dataset share` wrote."
                : $"'{directory}' holds {halves0.Length} datasets' shares; give the folder of one.");
        }
        string datasetId = Path.GetFileName(halves0[0])[..^".party0.share".Length];
        string path0 = halves0[0], path1 = Path.Combine(directory, DatasetHalfFile.FileName(datasetId, 1));
        if (!File.Exists(path1))
        {
            throw new ArgumentException($"'{directory}' holds party 0's half of {datasetId} but not party 1's ({Path.GetFileName(path1)}).");
        }
        ShareFileHeader header0, header1;
        HalfDigest digest0, digest1;
        try
        {
            digest0 = await ShareFileReader.VerifyAsync(path0, cancellationToken: cancellationToken);
            digest1 = await ShareFileReader.VerifyAsync(path1, cancellationToken: cancellationToken);
            header0 = await ShareFileReader.ReadHeaderAsync(path0, cancellationToken: cancellationToken);
            header1 = await ShareFileReader.ReadHeaderAsync(path1, cancellationToken: cancellationToken);
        }
        catch (ShareFileException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
        if (SharesMismatch(header0, header1, datasetId) is { } mismatch)
        {
            throw new InvalidDataException($"The share files in '{directory}' do not belong together: {mismatch}.");
        }
        PixelScaling scaling = SharesScaling(directory, datasetId, declared);
        ProjectView project = await platform.GetProjectAsync(projectId, cancellationToken);
        if (header0.Channels != project.Channels || header0.Height != project.Height || header0.Width != project.Width || header0.Classes != project.Classes)
        {
            throw new InvalidOperationException($"The shares are of {header0.Channels}×{header0.Height}×{header0.Width} images with {header0.Classes} classes; " +
                $"project '{project.Name}' expects {project.Channels}×{project.Height}×{project.Width} with {project.Classes} classes.");
        }
        DatasetUploadView registered = await platform.RegisterDatasetAsync(projectId, new RegisterDatasetRequest(
            name, purpose, checked((int)header0.ExampleCount), header0.FractionalBits, digest0.ToHex(), digest1.ToHex(), datasetId, scaling), cancellationToken);
        await Task.WhenAll(registered.Uploads.Select(grant => UploadHalfAsync(grant, grant.Party == 0 ? path0 : path1, datasetId, progress, cancellationToken)));
        DatasetView dataset = await WaitUntilSettledAsync(datasetId, readyTimeout, cancellationToken);
        return new Result(dataset, scaling.Kind == PixelScalings.Raw ? null : OwnerSharing.StandardizationPath(directory, datasetId));
    }

    /// <summary>
    /// What the share files of <paramref name="datasetId"/> in <paramref name="directory"/> hold: the scaling their record
    /// names, which <paramref name="declared"/> must not contradict; without a record, <paramref name="declared"/>.
    /// Registering a dataset as raw that was standardised (or the reverse) would have the parties map it wrongly.
    /// </summary>
    internal static PixelScaling SharesScaling(string directory, string datasetId, PixelScaling? declared)
    {
        if (declared is not null && declared.Kind is not (PixelScalings.Raw or PixelScalings.Own))
        {
            throw new ArgumentException($"--scaling is {PixelScalings.Raw} or {PixelScalings.Own}.");
        }
        DatasetScalingRecord? record = DatasetScalingRecord.TryLoad(directory, datasetId);
        if (record is null)
        {
            return declared ?? throw new ArgumentException($"'{directory}' does not say how the values of {datasetId} were scaled (no " +
                $"{Path.GetFileName(DatasetScalingRecord.PathOf(directory, datasetId))} beside them): add --scaling {PixelScalings.Own} if they were " +
                $"standardised with your own statistics (a .standardization.json beside them), --scaling {PixelScalings.Raw} if they are x/255.");
        }
        if (declared is not null && declared.Kind != record.Scaling)
        {
            throw new ArgumentException($"The share files of {datasetId} were written with --scaling {record.Scaling} " +
                $"({Path.GetFileName(DatasetScalingRecord.PathOf(directory, datasetId))}), not {declared.Kind}: share the images again to change it.");
        }
        return record.ToPixelScaling();
    }

    /// <summary>Why two headers are not party 0's and party 1's halves of one dataset, or null.</summary>
    private static string? SharesMismatch(ShareFileHeader h0, ShareFileHeader h1, string fileId) =>
        h0.PartyId != 0 || h1.PartyId != 1 ? $"their headers name parties {h0.PartyId} and {h1.PartyId}, not 0 and 1"
        : h0.DatasetId != fileId || h1.DatasetId != fileId ? $"their headers name datasets '{h0.DatasetId}' and '{h1.DatasetId}', the file names '{fileId}'"
        : (h0.Channels, h0.Height, h0.Width, h0.Classes, h0.ExampleCount, h0.FractionalBits) != (h1.Channels, h1.Height, h1.Width, h1.Classes, h1.ExampleCount, h1.FractionalBits)
            ? "their shapes, counts or number formats differ"
        : !(h0.OwnerKey ?? []).AsSpan().SequenceEqual(h1.OwnerKey ?? []) ? "they carry different owner keys"
        : null;

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
