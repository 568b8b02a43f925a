using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Imguard.Learning.Hiding;

/// <summary>
/// What a party receives from the dealer for one batch of one test-time encoding: the public table rows the batch
/// mixes (M×K, slot 0 the test image itself, see Imguard.Dealer's TestEncodingPlan.BatchTableRows) and, for party 1 only,
/// its share of the secret coefficients (Imguard.Dealer's TestEncodingPlan.BatchMessage; party 0 expands its own).
/// </summary>
public sealed record TestEncodingBatch(int[] TableRows, ulong[] Message)
{
    private const ulong Magic = 0x3154_4142_4554_4D49UL; // "IMTEBAT1"
    private const int HeaderBytes = 8 + 4 * 5;

    /// <summary>
    /// Wire form: "IMTEBAT1", encoding, batch, K, rows, message words (int32 each, little-endian), the rows as int32,
    /// then the message as uint64. The message's words are wiped from this record once encoded.
    /// </summary>
    public byte[] Encode(int encoding, int batch, int k)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The dealer's wire format is little-endian.");
        }
        var bytes = new byte[checked(HeaderBytes + 4 * TableRows.Length + 8 * Message.Length)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), encoding);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), batch);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), k);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), TableRows.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), Message.Length);
        MemoryMarshal.AsBytes(TableRows.AsSpan()).CopyTo(bytes.AsSpan(HeaderBytes));
        MemoryMarshal.AsBytes(Message.AsSpan()).CopyTo(bytes.AsSpan(HeaderBytes + 4 * TableRows.Length));
        Array.Clear(Message);
        return bytes;
    }

    /// <summary>
    /// Decodes and checks a batch: the expected encoding, batch and K, a whole number of K-row groups, every row inside
    /// a table of <paramref name="tableRows"/> rows. The message's length is checked where it is used.
    /// </summary>
    public static TestEncodingBatch Decode(ReadOnlySpan<byte> bytes, int expectedEncoding, int expectedBatch, int expectedK, int tableRows)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The dealer's wire format is little-endian.");
        }
        if (bytes.Length < HeaderBytes || BinaryPrimitives.ReadUInt64LittleEndian(bytes) != Magic)
        {
            throw LearningError.InvalidData("The dealer's test-encoding message is not an IMGuard test-encoding batch.");
        }
        int encoding = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        int batch = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        int k = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        int rows = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        int words = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
        if (encoding != expectedEncoding || batch != expectedBatch || k != expectedK || rows <= 0 || rows % k != 0 || words < 0
            || bytes.Length != HeaderBytes + 4L * rows + 8L * words)
        {
            throw LearningError.InvalidData(
                $"The dealer's test-encoding message is for batch {batch} of encoding {encoding} with K = {k} and {rows} rows; expected batch {expectedBatch} of encoding {expectedEncoding} with K = {expectedK}.");
        }
        var tableRowsOfBatch = MemoryMarshal.Cast<byte, int>(bytes.Slice(HeaderBytes, 4 * rows)).ToArray();
        var message = MemoryMarshal.Cast<byte, ulong>(bytes.Slice(HeaderBytes + 4 * rows, 8 * words)).ToArray();
        foreach (int row in tableRowsOfBatch)
        {
            if ((uint)row >= (uint)tableRows)
            {
                Array.Clear(message);
                throw LearningError.InvalidData($"The dealer's test-encoding message names table row {row}; the table has {tableRows}.");
            }
        }
        return new TestEncodingBatch(tableRowsOfBatch, message);
    }
}
