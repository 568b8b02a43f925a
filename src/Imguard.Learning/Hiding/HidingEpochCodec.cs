using System.Buffers.Binary;

namespace Imguard.Learning.Hiding;

/// <summary>
/// The public part of an epoch (<see cref="HidingEpoch"/>) on the wire from the dealer to a party: "IMGHEPO1", epoch,
/// mode, K, N (int32 each, little-endian), then N int32 of the batch order and N·K int32 of partners. Indices only.
/// </summary>
public static class HidingEpochCodec
{
    private const ulong Magic = 0x314F_5045_4847_4D49UL; // "IMGHEPO1"
    private const int HeaderBytes = 8 + 4 * 4;

    public static byte[] Encode(HidingEpoch epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        int n = epoch.Count, k = epoch.K;
        var bytes = new byte[checked(HeaderBytes + 4 * (n + n * k))];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), epoch.Epoch);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), (int)epoch.Mode);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), k);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), n);
        int at = HeaderBytes;
        foreach (int v in epoch.Order)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), v);
            at += 4;
        }
        foreach (int v in epoch.Partners)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), v);
            at += 4;
        }
        return bytes;
    }

    /// <summary>
    /// Decodes and checks the epoch's public part: the expected epoch, count, hiding mode and K (the job's own: a dealer
    /// must not be able to change how a party hides its rows), and the plan's structure
    /// (<see cref="EpochHidingPlan"/>): the order is a permutation of 0..N−1, partner slot 0 of row i is i and every
    /// other slot column is a permutation. A message that broke this would make training skip or repeat rows silently.
    /// </summary>
    public static HidingEpoch Decode(ReadOnlySpan<byte> bytes, int expectedEpoch, int expectedCount, HidingMode expectedMode, int expectedK)
    {
        if (bytes.Length < HeaderBytes || BinaryPrimitives.ReadUInt64LittleEndian(bytes) != Magic)
        {
            throw LearningError.InvalidData("The dealer's epoch message is not an IMGuard hiding epoch.");
        }
        int epoch = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        var mode = (HidingMode)BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        int k = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        int n = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        if (epoch != expectedEpoch || n != expectedCount || k != expectedK || mode != expectedMode || k is < 1 or > 64
            || bytes.Length != HeaderBytes + 4L * n * (k + 1))
        {
            throw LearningError.InvalidData(
                $"The dealer's epoch message is for epoch {epoch} with {n} rows, mode {(int)mode} and K = {k}; expected epoch {expectedEpoch} with {expectedCount} rows, mode {(int)expectedMode} and K = {expectedK}.");
        }
        var order = new int[n];
        var partners = new int[n * k];
        int at = HeaderBytes;
        for (int i = 0; i < n; i++, at += 4)
        {
            order[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        }
        for (int i = 0; i < partners.Length; i++, at += 4)
        {
            partners[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        }
        if (order.Any(v => (uint)v >= (uint)n) || partners.Any(v => (uint)v >= (uint)n))
        {
            throw LearningError.InvalidData("The dealer's epoch message has an index out of range.");
        }
        var seen = new bool[n];
        if (!IsPermutation(order, 0, 1, seen))
        {
            throw LearningError.InvalidData("The dealer's epoch message has a batch order that is not a permutation.");
        }
        for (int i = 0; i < n; i++)
        {
            if (partners[i * k] != i)
            {
                throw LearningError.InvalidData("The dealer's epoch message mixes a row without itself in slot 0.");
            }
        }
        for (int j = 1; j < k; j++)
        {
            if (!IsPermutation(partners, j, k, seen))
            {
                throw LearningError.InvalidData($"The dealer's epoch message has partner slot {j} that is not a permutation.");
            }
        }
        return new HidingEpoch(epoch, mode, k, order, partners);
    }

    /// <summary>Whether values[start], values[start + stride], … (seen.Length of them, each in range) are all distinct.</summary>
    private static bool IsPermutation(int[] values, int start, int stride, bool[] seen)
    {
        Array.Clear(seen);
        for (int i = 0, at = start; i < seen.Length; i++, at += stride)
        {
            if (seen[values[at]])
            {
                return false;
            }
            seen[values[at]] = true;
        }
        return true;
    }
}
