using System.Security.Cryptography;
using Imguard.Contracts.Files;
using Imguard.Contracts.Shares;
using Imguard.Learning.Data;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Storage;

/// <summary>
/// <see cref="SharedDataset"/> ↔ share file (<c>docs/share-file-format.md</c>). The owner writes both halves with
/// <see cref="WriteOwnerHalvesAsync"/>; a party reads its half with <see cref="ReadAsync(Stream, ShareFileLimits?, CancellationToken)"/>,
/// which verifies every chunk and expands a seed payload (party 0 of a seed-compressed split) with
/// <see cref="SecretSharer.ExpandSeedShare"/>, exactly as <see cref="SecretSharer.SplitWithSeed"/> defined it.
/// Both halves hold the rows <see cref="SharedDataset"/> encodes, [image | one-hot label], so s₀ + s₁ is that encoding.
/// </summary>
public static class DatasetHalfFile
{
    /// <summary>Rows moved per read or write step (bounded to about 1 MiB, at least one row).</summary>
    private const int StepBytes = 1 << 20;

    /// <summary>The file name the owner gives party <paramref name="partyId"/>'s half: <c>&lt;id&gt;.party&lt;p&gt;.share</c>.</summary>
    public static string FileName(string datasetId, int partyId)
    {
        CheckId(datasetId);
        return partyId is 0 or 1 ? $"{datasetId}.party{partyId}.share" : throw LearningError.InvalidArgument($"Party id must be 0 or 1; got {partyId}.");
    }

    /// <summary>The header a tensor file of <paramref name="half"/> carries.</summary>
    public static ShareFileHeader HeaderFor(SharedDataset half, string datasetId, int chunkSize = ShareFileFormat.DefaultChunkSize)
    {
        ArgumentNullException.ThrowIfNull(half);
        CheckId(datasetId);
        return new ShareFileHeader(datasetId, half.PartyId, SharePayloadKind.Tensor, half.Format.FractionalBits,
            half.ImageShape[0], half.ImageShape[1], half.ImageShape[2], half.Classes, half.Count, chunkSize);
    }

    /// <summary>Writes <paramref name="half"/> as a tensor share file onto <paramref name="output"/>, row by row.</summary>
    /// <returns>The half's digest.</returns>
    public static async Task<HalfDigest> WriteAsync(SharedDataset half, string datasetId, Stream output,
        int chunkSize = ShareFileFormat.DefaultChunkSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var header = HeaderFor(half, datasetId, chunkSize);
        await using var writer = new ShareFileWriter(output, header, leaveOpen: true);
        int d = half.ImageScalars, c = half.Classes, w = d + c, step = RowsPerStep(w);
        var buffer = new ulong[step * w];
        try
        {
            for (int first = 0; first < half.Count; first += step)
            {
                int rows = Math.Min(step, half.Count - first);
                for (int i = 0; i < rows; i++)
                {
                    half.Images.Span.Slice((first + i) * d, d).CopyTo(buffer.AsSpan(i * w, d));
                    half.Labels.Span.Slice((first + i) * c, c).CopyTo(buffer.AsSpan(i * w + d, c));
                }
                await writer.WriteAsync(buffer.AsMemory(0, rows * w), cancellationToken).ConfigureAwait(false);
            }
            return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Array.Clear(buffer);
        }
    }

    /// <summary>Writes <paramref name="half"/> to <paramref name="path"/> atomically (temp file, flushed, renamed; never overwrites).</summary>
    public static Task<HalfDigest> WriteAsync(SharedDataset half, string datasetId, string path,
        int chunkSize = ShareFileFormat.DefaultChunkSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(half);
        CheckId(datasetId);
        return WriteAtomicAsync(path, stream => WriteAsync(half, datasetId, stream, chunkSize, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Owner side: encodes <paramref name="standardized"/> once (<see cref="SharedDataset"/>'s encoding), splits it and
    /// writes <c>&lt;id&gt;.party0.share</c> and <c>&lt;id&gt;.party1.share</c> into <paramref name="directory"/>. With
    /// <paramref name="seedCompressParty0"/>, party 0's half is a 16-byte seed (<see cref="SecretSharer.SplitWithSeed"/>)
    /// and party 1's is the secret minus the seed's expansion. Refuses to overwrite existing files (their digests may
    /// already be registered). The plaintext encoding is wiped before returning. With <paramref name="ownerKey"/> (the
    /// owner's public key, SubjectPublicKeyInfo DER) both files are version 2 and carry it, so each party binds its half
    /// to the owner's key; without it, version 1.
    /// </summary>
    public static async Task<OwnerHalfFiles> WriteOwnerHalvesAsync(LabeledImages standardized, FixedPointFormat format, string datasetId,
        string directory, bool seedCompressParty0, int chunkSize = ShareFileFormat.DefaultChunkSize, ReadOnlyMemory<byte> ownerKey = default,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(standardized);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        CheckId(datasetId);
        OwnerOnly.CreateDirectory(directory);
        string path0 = Path.Combine(directory, FileName(datasetId, 0)), path1 = Path.Combine(directory, FileName(datasetId, 1));
        foreach (string path in (string[])[path0, path1])
        {
            if (File.Exists(path))
            {
                throw LearningError.FileExists(path);
            }
        }
        int[] shape = [standardized.Channels, standardized.Height, standardized.Width];
        int classes = standardized.ClassCount;
        var rows = SharedDataset.EncodeRows(standardized, format);
        try
        {
            if (seedCompressParty0)
            {
                var (seed, share1) = SecretSharer.SplitWithSeed(rows);
                var header0 = new ShareFileHeader(datasetId, 0, SharePayloadKind.Seed, format.FractionalBits, shape[0], shape[1], shape[2],
                    classes, standardized.Count, chunkSize, ownerKey);
                var digest0 = await WriteAtomicAsync(path0, s => WriteSeedAsync(header0, seed, s, cancellationToken), cancellationToken).ConfigureAwait(false);
                var digest1 = await SecondHalfAsync(path0, () => WriteAtomicAsync(path1, s => WriteRowsAsync(HeaderOf(1), share1, s, cancellationToken), cancellationToken)).ConfigureAwait(false);
                return new OwnerHalfFiles(datasetId, path0, digest0, path1, digest1);
            }
            else
            {
                var (share0, share1) = SecretSharer.Split(rows);
                var digest0 = await WriteAtomicAsync(path0, s => WriteRowsAsync(HeaderOf(0), share0, s, cancellationToken), cancellationToken).ConfigureAwait(false);
                var digest1 = await SecondHalfAsync(path0, () => WriteAtomicAsync(path1, s => WriteRowsAsync(HeaderOf(1), share1, s, cancellationToken), cancellationToken)).ConfigureAwait(false);
                return new OwnerHalfFiles(datasetId, path0, digest0, path1, digest1);
            }
        }
        finally
        {
            Array.Clear(rows.Data);
        }

        ShareFileHeader HeaderOf(int party) => new(datasetId, party, SharePayloadKind.Tensor, format.FractionalBits,
            shape[0], shape[1], shape[2], classes, standardized.Count, chunkSize, ownerKey);
    }

    /// <summary>
    /// Reads a half: header and sizes checked against <paramref name="limits"/>, every chunk verified before its rows
    /// are used, a seed payload expanded. The result carries the verified digest.
    /// </summary>
    /// <exception cref="ShareFileException">The file is corrupt, truncated, padded or beyond the limits.</exception>
    public static async Task<DatasetHalf> ReadAsync(Stream input, ShareFileLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var reader = await ShareFileReader.OpenAsync(input, limits, leaveOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await ReadCoreAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the half at <paramref name="path"/>; see <see cref="ReadAsync(Stream, ShareFileLimits?, CancellationToken)"/>.</summary>
    public static async Task<DatasetHalf> ReadAsync(string path, ShareFileLimits? limits = null, CancellationToken cancellationToken = default)
    {
        await using var reader = await ShareFileReader.OpenAsync(path, limits, cancellationToken).ConfigureAwait(false);
        return await ReadCoreAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<DatasetHalf> ReadCoreAsync(ShareFileReader reader, CancellationToken cancellationToken)
    {
        var h = reader.Header;
        if (h.FractionalBits > 40)
        {
            throw LearningError.InvalidData($"Share file of dataset '{h.DatasetId}' uses {h.FractionalBits} fractional bits; fixed-point formats here use at most 40.");
        }
        if (h.TotalScalars > Array.MaxLength)
        {
            throw LearningError.InvalidData($"Share file of dataset '{h.DatasetId}' holds {h.TotalScalars} ring elements; one array holds at most {Array.MaxLength}.");
        }
        var format = new FixedPointFormat(h.FractionalBits);
        int[] shape = [h.Channels, h.Height, h.Width];
        int n = checked((int)h.ExampleCount);
        SharedDataset dataset;
        if (h.PayloadKind == SharePayloadKind.Seed)
        {
            var seedBytes = new byte[Seed.SizeInBytes];
            try
            {
                await reader.ReadSeedAsync(seedBytes, cancellationToken).ConfigureAwait(false);
                var rows = SecretSharer.ExpandSeedShare(Seed.FromBytes(seedBytes), [n, h.RowScalars]);
                dataset = SharedDataset.FromRows(h.PartyId, format, shape, h.Classes, rows.Span);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seedBytes);
            }
        }
        else
        {
            int d = h.ImageScalars, c = h.Classes, w = h.RowScalars, step = RowsPerStep(w);
            var images = new RingTensor(n, d);
            var labels = new RingTensor(n, c);
            var buffer = new ulong[Math.Min(step, n) * w];
            int at = 0, rows;
            while ((rows = await reader.ReadRowsAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                for (int i = 0; i < rows; i++, at++)
                {
                    buffer.AsSpan(i * w, d).CopyTo(images.Span.Slice(at * d, d));
                    buffer.AsSpan(i * w + d, c).CopyTo(labels.Span.Slice(at * c, c));
                }
            }
            Array.Clear(buffer);
            dataset = new SharedDataset(h.PartyId, format, shape, c, images, labels);
        }
        return new DatasetHalf(h, dataset, reader.VerifiedDigest ?? throw LearningError.InvalidData("The share file was not read to its end."));
    }

    /// <summary>Writes the second half; if that fails, removes the first so no lone half of a pair is left behind.</summary>
    private static async Task<HalfDigest> SecondHalfAsync(string firstPath, Func<Task<HalfDigest>> writeSecond)
    {
        try
        {
            return await writeSecond().ConfigureAwait(false);
        }
        catch
        {
            File.Delete(firstPath);
            throw;
        }
    }

    private static async Task<HalfDigest> WriteSeedAsync(ShareFileHeader header, Seed seed, Stream output, CancellationToken cancellationToken)
    {
        var bytes = new byte[Seed.SizeInBytes];
        try
        {
            seed.WriteTo(bytes);
            await using var writer = new ShareFileWriter(output, header, leaveOpen: true);
            await writer.WriteSeedAsync(bytes, cancellationToken).ConfigureAwait(false);
            return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static async Task<HalfDigest> WriteRowsAsync(ShareFileHeader header, RingTensor rows, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new ShareFileWriter(output, header, leaveOpen: true);
        await writer.WriteAsync(rows.Data, cancellationToken).ConfigureAwait(false);
        return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Written whole or not at all (<see cref="AtomicFile"/>, 0600: a half is a secret share), never over an existing half.</summary>
    private static Task<HalfDigest> WriteAtomicAsync(string path, Func<Stream, Task<HalfDigest>> write, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return AtomicFile.WriteAsync(path, (file, _) => write(file), overwrite: false, cancellationToken);
    }

    private static int RowsPerStep(int rowScalars) => Math.Max(1, StepBytes / (rowScalars * 8));

    private static void CheckId(string datasetId)
    {
        if (!ShareFileFormat.IsValidDatasetId(datasetId))
        {
            throw LearningError.InvalidArgument($"A dataset id is 1 to {ShareFileFormat.MaxDatasetIdLength} characters of [A-Za-z0-9._-], starting with a letter or digit.");
        }
    }
}
