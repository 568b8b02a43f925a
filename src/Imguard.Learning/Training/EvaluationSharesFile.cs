using System.Buffers.Binary;
using System.Security.Cryptography;
using Imguard.Contracts.Files;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Training;

/// <summary>
/// One party's <see cref="EvaluationShares"/> as a file, for the owner to download and combine with the other party's
/// (<see cref="EvaluationResult.Reconstruct"/>). A party's file alone is uniformly random.
/// Format (little-endian): "IMGEVAL1", party id, fractional bits, N, C (int32 each), N·C prediction words, one
/// correct-count word, then a SHA-256 of everything before it. Writes are atomic (temp file, flush, rename).
/// </summary>
public static class EvaluationSharesFile
{
    private static ReadOnlySpan<byte> Magic => "IMGEVAL1"u8;
    private const int HeaderBytes = 8 + 4 * 4;
    private const int HashBytes = 32;

    /// <summary>The largest N·C a file may declare (far above any test set; stops absurd allocations).</summary>
    public const long MaxPredictionWords = 1L << 28;

    public static void Save(EvaluationShares shares, string path)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var predictions = shares.Predictions.Share;
        if (predictions.Rank != 2 || shares.CorrectCount.Length != 1 || shares.CorrectCount.PartyId != shares.Predictions.PartyId)
        {
            throw LearningError.InvalidArgument("Evaluation shares are N×C predictions and one count of the same party.");
        }
        int n = predictions.Shape[0], c = predictions.Shape[1];
        var bytes = new byte[HeaderBytes + (predictions.Length + 1) * 8 + HashBytes];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), shares.Predictions.PartyId);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), shares.Predictions.Format.FractionalBits);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), n);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), c);
        int at = HeaderBytes;
        foreach (ulong word in predictions.Span)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), word);
            at += 8;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), shares.CorrectCount.Share.Span[0]);
        at += 8;
        SHA256.HashData(bytes.AsSpan(0, at), bytes.AsSpan(at));

        OwnerOnly.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    public static EvaluationShares Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads a file; the checksum is verified before anything is parsed.</summary>
    public static EvaluationShares Read(Stream input, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        string what = name is null ? "The evaluation share" : $"Evaluation share '{name}'";
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Length < HeaderBytes + 8 + HashBytes || !bytes[..8].SequenceEqual(Magic))
        {
            throw LearningError.InvalidData($"{what} is not an IMGuard evaluation share file.");
        }
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(bytes[..^HashBytes]), bytes[^HashBytes..]))
        {
            throw LearningError.InvalidData($"{what} is corrupt or truncated (checksum mismatch).");
        }
        int party = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        int bits = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        int n = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        int c = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        long words = (long)n * c;
        if (party is not (0 or 1) || bits is < 1 or > 40 || n < 0 || c < 1 || words > MaxPredictionWords
            || bytes.Length != HeaderBytes + (words + 1) * 8 + HashBytes)
        {
            throw LearningError.InvalidData($"{what} has an invalid header (party {party}, {bits} bits, {n}×{c}) or length.");
        }
        var predictions = new RingTensor(n, c);
        int at = HeaderBytes;
        for (int i = 0; i < predictions.Length; i++, at += 8)
        {
            predictions.Span[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]);
        }
        var count = new RingTensor([BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..])], 1);
        var format = new FixedPointFormat(bits);
        return new EvaluationShares(new SharedTensor(party, predictions, format), new SharedTensor(party, count, format));
    }
}
