using System.Security.Cryptography;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Files;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;
using Imguard.Mpc.Encoding;

namespace Imguard.Client.Datasets;

/// <summary>
/// The owner's side of sharing a dataset, on the owner's machine: scale the pixels — standardise with the training
/// set's statistics (fitted here for a training set and saved beside the shares with the class names, read back for a
/// test set or inference), or only x/255 for a job standardised over the union (<see cref="ShareRawAsync"/>, no
/// statistic computed or kept) —, encode in fixed point, split into two additive shares and write one share file per
/// party, with a <see cref="DatasetScalingRecord"/> beside them saying which. Nothing here talks to a server.
/// </summary>
public static class OwnerSharing
{
    /// <summary>A fresh dataset id: <c>ds-</c> and 16 random hex digits (the id is bound into both share files).</summary>
    public static string NewDatasetId() => "ds-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The standardisation file beside the shares of <paramref name="datasetId"/>.</summary>
    public static string StandardizationPath(string directory, string datasetId) => Path.Combine(directory, datasetId + ".standardization.json");

    /// <summary>
    /// Writes the two share files of <paramref name="raw"/> into <paramref name="directory"/>. With
    /// <paramref name="standardization"/> null the statistics are fitted on <paramref name="raw"/> (a training set)
    /// and saved; pass the training set's statistics for a test set. <paramref name="ownerKey"/>, the owner's public
    /// signing key, goes into both files' headers (share file version 2).
    /// </summary>
    public static async Task<(OwnerHalfFiles Files, Standardization Standardization)> ShareAsync(
        LabeledImages raw, string datasetId, string directory, Standardization? standardization, bool seedCompressParty0,
        FixedPointFormat? format = null, ReadOnlyMemory<byte> ownerKey = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        Standardization stats = standardization ?? Standardization.Fit(raw);
        LabeledImages standardized = stats.Apply(raw);
        OwnerHalfFiles files = await DatasetHalfFile.WriteOwnerHalvesAsync(standardized, format ?? FixedPointFormat.Default, datasetId, directory, seedCompressParty0,
            ownerKey: ownerKey, cancellationToken: cancellationToken);
        SaveStandardization(StandardizationPath(directory, datasetId), stats, raw.ClassNames);
        new DatasetScalingRecord(PixelScalings.Own, raw.ClassNames).Save(DatasetScalingRecord.PathOf(directory, datasetId));
        return (files, stats);
    }

    /// <summary>
    /// Writes the two share files of <paramref name="raw"/> scaled to x/255 only (<see cref="PixelScalings.Raw"/>): what an
    /// owner shares for a job with other owners, whose parties standardise over the union on shares. No statistic of
    /// the owner's images is computed or written; the scaling record beside the files keeps the class names.
    /// </summary>
    public static async Task<OwnerHalfFiles> ShareRawAsync(LabeledImages raw, string datasetId, string directory, bool seedCompressParty0,
        FixedPointFormat? format = null, ReadOnlyMemory<byte> ownerKey = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(raw);
        OwnerHalfFiles files = await DatasetHalfFile.WriteOwnerHalvesAsync(ScaleToUnit(raw), format ?? FixedPointFormat.Default, datasetId, directory,
            seedCompressParty0, ownerKey: ownerKey, cancellationToken: cancellationToken);
        new DatasetScalingRecord(PixelScalings.Raw, raw.ClassNames).Save(DatasetScalingRecord.PathOf(directory, datasetId));
        return files;
    }

    /// <summary>x/255 for every value, computed as <see cref="Standardization.Apply(LabeledImages)"/> computes it (in double), so the parties' map matches a plaintext one.</summary>
    internal static LabeledImages ScaleToUnit(LabeledImages raw)
    {
        var pixels = new float[raw.Pixels.Length];
        ReadOnlySpan<float> source = raw.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)(source[i] / 255.0);
        }
        return new LabeledImages(pixels, raw.Labels, raw.Channels, raw.Height, raw.Width, raw.ClassNames);
    }

    public static void SaveStandardization(string path, Standardization stats, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        new DatasetStatistics(stats, classNames).Save(path);
    }

    /// <summary>The standardisation in a <c>.standardization.json</c>; throws <see cref="FileNotFoundException"/> naming the path when there is none.</summary>
    public static Standardization LoadStandardization(string path) => DatasetStatistics.Load(path).Standardization;
}
