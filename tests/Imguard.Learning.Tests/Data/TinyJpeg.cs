namespace Imguard.Learning.Tests.Data;

/// <summary>
/// Hand-built grey JPEGs of one flat colour (every coefficient zero: each block is a 1-bit DC code and a 1-bit end of
/// block), baseline or progressive, with an optional restart interval: the structures StbImageWriteSharp cannot write
/// (several scans, tables between scans, RSTn markers inside a scan). web/src/sharing/tinyJpeg.ts builds the same bytes.
/// </summary>
internal static class TinyJpeg
{
    /// <summary>A <paramref name="width"/>×<paramref name="height"/> image that decodes to 128 everywhere.</summary>
    public static byte[] Gray(int width, int height, bool progressive = false, int restartInterval = 0)
    {
        int blocks = (width + 7) / 8 * ((height + 7) / 8);
        var bytes = new List<byte> { 0xFF, 0xD8 };
        Segment(bytes, 0xDB, [0x00, .. Enumerable.Repeat((byte)1, 64)]); // one quantisation table of ones
        Segment(bytes, progressive ? (byte)0xC2 : (byte)0xC0,
            [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0]);
        if (restartInterval > 0)
        {
            Segment(bytes, 0xDD, [(byte)(restartInterval >> 8), (byte)restartInterval]);
        }
        Segment(bytes, 0xC4, HuffmanTable(0x00)); // DC table 0: symbol 0 (difference 0) = code "0"
        if (progressive)
        {
            // Scan 1: DC coefficients (Ss = Se = 0), one bit per block.
            Segment(bytes, 0xDA, [1, 1, 0x00, 0, 0, 0]);
            Entropy(bytes, blocks, restartInterval);
            // The AC table arrives between the scans; scan 2: AC 1..63, EOB0 ("0") per block.
            Segment(bytes, 0xC4, HuffmanTable(0x10));
            Segment(bytes, 0xDA, [1, 1, 0x00, 1, 63, 0]);
            Entropy(bytes, blocks, restartInterval);
        }
        else
        {
            Segment(bytes, 0xC4, HuffmanTable(0x10)); // AC table 0: symbol 0 (end of block) = code "0"
            Segment(bytes, 0xDA, [1, 1, 0x00, 0, 63, 0]);
            Entropy(bytes, 2 * blocks, 2 * restartInterval);
        }
        bytes.AddRange([0xFF, 0xD9]);
        return [.. bytes];
    }

    private static byte[] HuffmanTable(byte classAndId) => [classAndId, 1, .. new byte[15], 0x00];

    private static void Segment(List<byte> bytes, byte marker, byte[] body)
    {
        bytes.AddRange([0xFF, marker, (byte)((body.Length + 2) >> 8), (byte)(body.Length + 2)]);
        bytes.AddRange(body);
    }

    // `bits` zero bits, padded with ones to a byte at each restart and at the end; RSTn after every `interval` bits.
    private static void Entropy(List<byte> bytes, int bits, int interval)
    {
        int restart = 0;
        int written = 0;
        while (written < bits)
        {
            int run = interval > 0 ? Math.Min(interval, bits - written) : bits;
            int full = run / 8;
            bytes.AddRange(new byte[full]);
            if (run % 8 != 0)
            {
                bytes.Add((byte)(0xFF >> (run % 8)));
            }
            written += run;
            if (written < bits)
            {
                bytes.AddRange([0xFF, (byte)(0xD0 + restart++ % 8)]);
            }
        }
    }
}
