using System.Buffers.Binary;

namespace Imguard.Learning.Data;

/// <summary>
/// Checks that an encoded image is whole before a decoder sees it, and reads its size from its own header.
/// </summary>
/// <remarks>
/// stb_image (like the browsers' decoders) reads past the end of a cut-off file as zeros and returns a flat grey image:
/// a JPEG cut to its header, or missing its last kilobytes, would become training data. So the structure is walked
/// first. JPEG: SOI, exactly one frame header (SOF0, SOF1 or SOF2: the processes stb decodes) before the first scan,
/// every scan (SOS) followed by entropy-coded bytes, and an EOI. PNG: the signature, IHDR first, at least one IDAT,
/// IEND, and every chunk whole with a valid CRC-32. BMP: the file and DIB headers stb knows, an uncompressed or
/// bit-field encoding, and all the pixel rows the header declares. Anything else is refused. Bytes after a JPEG's EOI
/// or a PNG's IEND are ignored (cameras and phones append data there). Linear in the file's length; no allocation.
/// web/src/sharing/imageCheck.ts is the same check in the browser: keep the two in step.
/// </remarks>
internal static class ImageStructure
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// Returns null when <paramref name="data"/> is a whole PNG, JPEG or BMP, or else why not (a sentence about "it",
    /// the file). <paramref name="width"/> and <paramref name="height"/> are the header's size as soon as the header
    /// was read (so a caller can say "too large" before "truncated"), 0 when it was not.
    /// </summary>
    public static string? Check(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = 0;
        height = 0;
        if (data.StartsWith(PngSignature))
        {
            return CheckPng(data, ref width, ref height);
        }
        if (data.Length >= 2 && data[0] == 0xFF && data[1] == 0xD8)
        {
            return CheckJpeg(data, ref width, ref height);
        }
        if (data.Length >= 2 && data[0] == (byte)'B' && data[1] == (byte)'M')
        {
            return CheckBmp(data, ref width, ref height);
        }
        return "it is not a PNG, JPEG or BMP image.";
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // ITU T.81 §B.1: segments are 0xFF, optional 0xFF fill bytes, a marker code and (except SOI, EOI, RSTn, TEM) a
    // 2-byte length that counts itself. A scan's entropy-coded data runs to the next marker other than RSTn; a 0xFF in
    // it is stuffed as 0xFF 0x00 (§F.1.2.3), so a marker inside a scan cannot be mistaken for data.
    private static string? CheckJpeg(ReadOnlySpan<byte> data, ref int width, ref int height)
    {
        const string Truncated = "it is truncated: the JPEG ends before its end-of-image marker.";
        int position = 2;
        bool frame = false;
        int scans = 0;
        while (true)
        {
            if (position >= data.Length)
            {
                return Truncated;
            }
            if (data[position] != 0xFF)
            {
                return "it is corrupt: the JPEG has stray bytes where a marker should be.";
            }
            while (position < data.Length && data[position] == 0xFF)
            {
                position++;
            }
            if (position >= data.Length)
            {
                return Truncated;
            }
            byte marker = data[position++];
            if (marker == 0xD9)
            {
                return scans > 0 ? null : "it is incomplete: the JPEG ends before any image data (no scan).";
            }
            if (marker is (>= 0xD0 and <= 0xD7) or 0x01)
            {
                continue; // RSTn or TEM: no length
            }
            if (marker is 0x00 or 0xD8)
            {
                return "it is corrupt: the JPEG has a misplaced marker.";
            }
            if (position + 2 > data.Length)
            {
                return Truncated;
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            if (length < 2)
            {
                return "it is corrupt: a JPEG segment has an invalid length.";
            }
            if (position + length > data.Length)
            {
                return Truncated;
            }
            ReadOnlySpan<byte> segment = data.Slice(position + 2, length - 2);
            position += length;
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (frame)
                {
                    return "it is corrupt: the JPEG has more than one frame header.";
                }
                if (marker is not (0xC0 or 0xC1 or 0xC2))
                {
                    return "it uses a JPEG coding process that is not supported (lossless, hierarchical or arithmetic-coded).";
                }
                // P, Y, X, Nf, then 3 bytes per component.
                if (segment.Length < 6 || segment.Length != 6 + 3 * segment[5] || segment[5] == 0)
                {
                    return "it is corrupt: the JPEG's frame header is malformed.";
                }
                height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
                if (width == 0 || height == 0)
                {
                    width = height = 0;
                    return "it is corrupt: the JPEG's frame header declares no pixels.";
                }
                frame = true;
            }
            else if (marker == 0xDA)
            {
                if (!frame)
                {
                    return "it is corrupt: the JPEG has a scan before its frame header.";
                }
                // Ns, 2 bytes per component, Ss, Se, Ah/Al.
                if (segment.Length < 6 || segment.Length != 4 + 2 * segment[0])
                {
                    return "it is corrupt: a JPEG scan header is malformed.";
                }
                long entropyBytes = 0;
                while (true)
                {
                    int next = data[position..].IndexOf((byte)0xFF);
                    if (next < 0 || position + next + 1 >= data.Length)
                    {
                        return Truncated;
                    }
                    entropyBytes += next;
                    position += next;
                    byte code = data[position + 1];
                    if (code == 0x00)
                    {
                        entropyBytes += 2; // a stuffed 0xFF data byte
                        position += 2;
                    }
                    else if (code is >= 0xD0 and <= 0xD7)
                    {
                        position += 2; // a restart marker inside the scan
                    }
                    else if (code == 0xFF)
                    {
                        position++; // a fill byte before the marker that ends the scan
                    }
                    else
                    {
                        break;
                    }
                }
                if (entropyBytes == 0)
                {
                    return "it is incomplete: a JPEG scan has no image data.";
                }
                scans++;
            }
        }
    }

    // PNG (ISO/IEC 15948 §5): the 8-byte signature, then chunks of a 4-byte big-endian length (< 2^31), a 4-letter type,
    // the data and a CRC-32 over type and data. IHDR comes first; IEND last.
    private static string? CheckPng(ReadOnlySpan<byte> data, ref int width, ref int height)
    {
        int position = PngSignature.Length;
        bool header = false;
        bool imageData = false;
        while (true)
        {
            if (position + 8 > data.Length)
            {
                return "it is truncated: the PNG ends before its IEND chunk.";
            }
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[position..]);
            ReadOnlySpan<byte> type = data.Slice(position + 4, 4);
            foreach (byte b in type)
            {
                if (!char.IsAsciiLetter((char)b))
                {
                    return "it is corrupt: a PNG chunk has an invalid type.";
                }
            }
            string name = System.Text.Encoding.ASCII.GetString(type);
            if (length > int.MaxValue)
            {
                return $"it is corrupt: the PNG's {name} chunk has an invalid length.";
            }
            if (position + 12L + length > data.Length)
            {
                return $"it is truncated: the PNG ends inside its {name} chunk.";
            }
            ReadOnlySpan<byte> body = data.Slice(position + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(data[(position + 8 + (int)length)..]);
            if (Crc32(data.Slice(position + 4, 4 + (int)length)) != stored)
            {
                return $"it is corrupt: the PNG's {name} chunk fails its CRC check.";
            }
            position += 12 + (int)length;
            if (!header)
            {
                if (name != "IHDR" || length != 13)
                {
                    return "it is corrupt: the PNG does not start with its IHDR header chunk.";
                }
                uint w = BinaryPrimitives.ReadUInt32BigEndian(body);
                uint h = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue)
                {
                    return "it is corrupt: the PNG's header declares an invalid size.";
                }
                width = (int)w;
                height = (int)h;
                header = true;
            }
            else if (name == "IHDR")
            {
                return "it is corrupt: the PNG has more than one IHDR chunk.";
            }
            else if (name == "IDAT")
            {
                imageData = true;
            }
            else if (name == "IEND")
            {
                return imageData ? null : "it is incomplete: the PNG has no image data (no IDAT chunk).";
            }
        }
    }

    // BMP: a 14-byte file header ("BM", size, reserved, pixel data offset), then a DIB header of the sizes stb reads
    // (12: OS/2 core, 40: BITMAPINFOHEADER, 56, 108: V4, 124: V5). Rows are padded to 4 bytes; a negative height
    // means top-down. stb decodes uncompressed (BI_RGB) and bit-field (BI_BITFIELDS) images only.
    private static string? CheckBmp(ReadOnlySpan<byte> data, ref int width, ref int height)
    {
        const string Truncated = "it is truncated: the BMP ends inside its headers.";
        if (data.Length < 18)
        {
            return Truncated;
        }
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        if (headerSize is not (12 or 40 or 56 or 108 or 124))
        {
            return "it uses a BMP header version that is not supported.";
        }
        if (14 + headerSize > data.Length)
        {
            return Truncated;
        }
        long w, h;
        int bitsPerPixel;
        uint compression;
        if (headerSize == 12)
        {
            w = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            h = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[24..]);
            compression = 0;
        }
        else
        {
            w = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            h = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..]));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
            compression = BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);
        }
        if (w <= 0 || h <= 0 || w > int.MaxValue || h > int.MaxValue)
        {
            return "it is corrupt: the BMP's header declares an invalid size.";
        }
        width = (int)w;
        height = (int)h;
        if (bitsPerPixel is not (1 or 4 or 8 or 16 or 24 or 32) || compression is not (0 or 3))
        {
            return "it uses a BMP encoding that is not supported (only uncompressed and bit-field BMPs are).";
        }
        if (offset < 14 + headerSize)
        {
            return "it is corrupt: the BMP's pixel data offset points into its headers.";
        }
        Int128 rowBytes = (w * bitsPerPixel + 31) / 32 * 4;
        Int128 needed = rowBytes * h;
        long available = data.Length - (long)offset;
        if (available < needed)
        {
            return $"it is truncated: the BMP holds {Math.Max(0, available)} of the {needed} bytes of pixel data its header declares.";
        }
        return null;
    }

    // CRC-32 as PNG defines it (ISO 3309, reflected polynomial 0xEDB88320), table-driven.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc ^ 0xFFFFFFFF;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
