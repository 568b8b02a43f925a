using System.Globalization;
using Imguard.Contracts.Shares;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Datasets;

/// <summary>
/// What a registered dataset takes at a party, computed from its metadata as the share file's length is
/// (<see cref="ShareFileFormat.FileLength"/>): N·(D + C) ring elements of 8 bytes, the header (the larger, version 2's
/// 280 bytes, so a half with an owner key fits the grant) and a SHA-256 per 1 MiB chunk. That is one half as full tensors, the most either party stores for it (party 0's half may be a
/// 16-byte seed instead), so a quota on it bounds each party's disk.
/// </summary>
public static class DatasetStorage
{
    /// <summary>The bytes one party stores for <paramref name="count"/> images of <paramref name="shape"/> with <paramref name="classes"/> classes.</summary>
    public static long HalfBytes(ImageShape shape, int count, int classes)
    {
        long scalars = (long)Math.Max(0, count) * ((long)shape.Channels * shape.Height * shape.Width + Math.Max(0, classes));
        return ShareFileFormat.FileLength(ShareFileFormat.MaxHeaderSize, scalars * 8, ShareFileFormat.DefaultChunkSize);
    }

    /// <summary>"363.5 MiB", "8 GiB": a size for people, in the binary units the quotas are set in.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => Scaled(bytes, 30) + " GiB",
        >= 1L << 20 => Scaled(bytes, 20) + " MiB",
        >= 1L << 10 => Scaled(bytes, 10) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " bytes",
    };

    private static string Scaled(long bytes, int shift) => (bytes / (double)(1L << shift)).ToString("0.#", CultureInfo.InvariantCulture);
}
