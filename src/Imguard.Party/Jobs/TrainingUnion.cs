using Imguard.Contracts.Jobs;
using Imguard.Contracts.Shares;
using Imguard.Learning.Storage;
using Imguard.Learning.Training;
using Imguard.Mpc.Ring;
using Imguard.Party.Shares;

namespace Imguard.Party.Jobs;

/// <summary>
/// This party's halves of a job's training datasets as one training set (docs/multi-owner.md, "Training on the
/// union"): the rows of <see cref="JobDescription.TrainDatasetIds"/> concatenated in that order, so the public shuffled
/// order and InstaHide's partners run over the whole index space [0, ΣNᵢ) — an encoding mixes images of different
/// owners. Every half must have the first one's image shape, classes and fractional bits. The union is allocated once
/// from the headers and each half is copied in and dropped as it is loaded, so the party holds the union and at most
/// one half at a time (a job on one dataset uses its half as loaded).
/// </summary>
internal static class TrainingUnion
{
    /// <summary>
    /// Loads the union, each half checked against the owner key its consent was checked with (<see cref="JobConsentCheck"/>),
    /// with the image count of each dataset in union order.
    /// </summary>
    public static async Task<(SharedDataset Union, int[] Counts)> LoadAsync(JobDescription description, ShareStore store, IReadOnlyDictionary<string, byte[]?> ownerKeys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(ownerKeys);
        IReadOnlyList<string> ids = description.TrainDatasetIds;
        if (ids.Count == 1)
        {
            SharedDataset only = await LoadHalfAsync(ids[0], store, ownerKeys, cancellationToken);
            return (only, [only.Count]);
        }

        var headers = new ShareFileHeader[ids.Count];
        long total = 0;
        for (int i = 0; i < ids.Count; i++)
        {
            headers[i] = await store.ReadHeaderAsync(ids[i], cancellationToken);
            if (i > 0 && Mismatch(headers[0], headers[i]) is { } what)
            {
                throw new InvalidDataException($"The job's training datasets differ: '{ids[i]}' has {what(headers[i])}, the first, '{ids[0]}', has {what(headers[0])}; "
                    + "a job trains on datasets of one image shape, number of classes and number format.");
            }
            total += headers[i].ExampleCount;
        }
        if (total > int.MaxValue)
        {
            throw new InvalidDataException($"The job's training datasets hold {total} images together; a job trains on at most {int.MaxValue}.");
        }

        ShareFileHeader first = headers[0];
        int d = first.ImageScalars, c = first.Classes, n = (int)total;
        var images = new RingTensor(n, d);
        var labels = new RingTensor(n, c);
        int offset = 0;
        SharedDataset? loaded = null;
        for (int i = 0; i < ids.Count; i++)
        {
            SharedDataset half = await LoadHalfAsync(ids[i], store, ownerKeys, cancellationToken);
            if (half.Count != headers[i].ExampleCount || half.ImageScalars != d || half.Classes != c || half.Format.FractionalBits != first.FractionalBits)
            {
                throw new InvalidDataException($"The half of dataset '{ids[i]}' changed while it was loaded.");
            }
            half.Images.Span.CopyTo(images.Span.Slice(offset * d, half.Count * d));
            half.Labels.Span.CopyTo(labels.Span.Slice(offset * c, half.Count * c));
            offset += half.Count;
            loaded = half;
        }
        return (new SharedDataset(loaded!.PartyId, loaded.Format, loaded.ImageShape, c, images, labels), [.. headers.Select(h => (int)h.ExampleCount)]);
    }

    /// <summary>What differs between two training halves, as a describer of either, or null when they may train together.</summary>
    private static Func<ShareFileHeader, string>? Mismatch(ShareFileHeader a, ShareFileHeader b) =>
        (a.Channels, a.Height, a.Width) != (b.Channels, b.Height, b.Width) ? h => $"images of {h.Channels}×{h.Height}×{h.Width}"
        : a.Classes != b.Classes ? h => $"{h.Classes} classes"
        : a.FractionalBits != b.FractionalBits ? h => $"{h.FractionalBits} fractional bits"
        : null;

    /// <summary>One half, checked against the owner key its consent was checked with (none for an inference job's images).</summary>
    public static async Task<SharedDataset> LoadHalfAsync(string datasetId, ShareStore store, IReadOnlyDictionary<string, byte[]?> ownerKeys,
        CancellationToken cancellationToken)
    {
        DatasetHalf half = await store.LoadAsync(datasetId, cancellationToken);
        JobConsentCheck.EnsureSameOwner(datasetId, ownerKeys, half.Header);
        return half.Dataset;
    }
}
