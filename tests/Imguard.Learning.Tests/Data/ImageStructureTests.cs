using System.Buffers.Binary;
using CsCheck;
using Imguard.Learning.Data;

namespace Imguard.Learning.Tests.Data;

/// <summary>
/// Cut-off and damaged images (issue 14, item 3): stb decodes a JPEG cut to its header, or missing its last kilobytes,
/// to a flat grey image. Every truncation of every sample must be refused with a reason, never decoded and never thrown
/// as anything but <see cref="ImageDecodeException"/>.
/// </summary>
public sealed class ImageStructureTests
{
    private static readonly ImageLoadOptions Options = new() { Channels = 3, Height = 8, Width = 8 };

    private static byte Noise(int x, int y, int c) => (byte)((x * 73 + y * 151 + c * 47 + x * y * 13) % 256);

    /// <summary>The samples: every format, colour layout and JPEG structure the decoder takes.</summary>
    public static TheoryData<string> SampleNames => new(Samples.Keys);

    private static readonly Dictionary<string, byte[]> Samples = new()
    {
        ["png gray"] = TestImages.Png(13, 7, 1, Noise),
        ["png rgba"] = TestImages.Png(20, 11, 4, Noise),
        ["jpeg rgb (stb)"] = TestImages.Jpeg(40, 30, 3, Noise),
        ["jpeg gray with exif (stb)"] = TestImages.WithExif(TestImages.Jpeg(16, 16, 1, Noise)),
        ["jpeg baseline with restarts"] = TinyJpeg.Gray(40, 24, restartInterval: 2),
        ["jpeg progressive"] = TinyJpeg.Gray(24, 16, progressive: true),
        ["jpeg progressive with restarts"] = TinyJpeg.Gray(40, 40, progressive: true, restartInterval: 3),
        ["bmp rgb"] = TestImages.Bmp(10, 6, 3, Noise),
        ["bmp rgba"] = TestImages.Bmp(7, 5, 4, Noise),
    };

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Every_truncation_of_a_sample_is_refused_with_a_reason(string name)
    {
        byte[] whole = Samples[name];
        Assert.Equal(3 * 8 * 8, ImageFolderReader.DecodeImage(whole, Options).Length);
        int magic = whole[0] == 0x89 ? 8 : 2;
        for (int length = 0; length < whole.Length; length++)
        {
            var e = Assert.Throws<ImageDecodeException>(() => ImageFolderReader.DecodeImage(whole[..length], Options));
            Assert.Null(e.FilePath);
            string expected = length < magic ? "not a PNG, JPEG or BMP image" : "it is truncated: ";
            Assert.True(e.Reason!.Contains(expected, StringComparison.Ordinal), $"{name} cut to {length} of {whole.Length} bytes: {e.Reason}");
        }
    }

    [Fact]
    public void Hand_built_jpegs_decode_to_their_flat_grey()
    {
        foreach (byte[] jpeg in new[] { TinyJpeg.Gray(24, 16), TinyJpeg.Gray(24, 16, progressive: true), TinyJpeg.Gray(40, 40, true, 3) })
        {
            Assert.All(ImageFolderReader.DecodeImage(jpeg, Options), v => Assert.Equal(128f, v));
        }
    }

    [Theory]
    [InlineData(300)]
    [InlineData(-4096)]
    [InlineData(-1024)]
    [InlineData(-2)]
    public void A_photo_sized_jpeg_cut_to_its_header_or_missing_its_end_is_refused(int keep)
    {
        // About 40 KB of noise, as a camera's JPEG is mostly entropy-coded data.
        byte[] jpeg = TestImages.Jpeg(160, 120, 3, Noise, quality: 95);
        Assert.True(jpeg.Length > 20_000, $"{jpeg.Length} bytes");
        byte[] cut = jpeg[..(keep > 0 ? keep : jpeg.Length + keep)];
        var e = Assert.Throws<ImageDecodeException>(() => ImageFolderReader.DecodeImage(cut, Options));
        Assert.Equal("it is truncated: the JPEG ends before its end-of-image marker.", e.Reason);
    }

    [Fact]
    public void Bytes_after_the_end_marker_are_ignored()
    {
        byte[] jpeg = TestImages.Jpeg(16, 16, 3, Noise);
        byte[] png = TestImages.Png(16, 16, 3, Noise);
        Assert.Equal(ImageFolderReader.DecodeImage(jpeg, Options), ImageFolderReader.DecodeImage([.. jpeg, .. "appended by a phone"u8], Options));
        Assert.Equal(ImageFolderReader.DecodeImage(png, Options), ImageFolderReader.DecodeImage([.. png, 0, 0, 0], Options));
    }

    [Theory]
    [InlineData("png", 65535, 65535)]
    [InlineData("png", 7000, 7000)]
    [InlineData("jpeg", 65535, 65535)]
    [InlineData("bmp", 65535, 65535)]
    public void A_huge_size_in_the_header_is_too_large_not_unreadable(string format, int width, int height)
    {
        byte[] header = format switch
        {
            "png" => HugePng(width, height, whole: width == 7000),
            "jpeg" => JpegHeader(width, height),
            _ => BmpHeader(width, height),
        };
        var e = Assert.Throws<ImageDecodeException>(() => ImageFolderReader.DecodeImage(header, Options));
        Assert.Equal($"it is too large ({width}×{height} pixels; the limit is 40,000,000 pixels).", e.Reason);
    }

    [Fact]
    public void A_png_chunk_with_a_wrong_crc_is_refused()
    {
        byte[] png = TestImages.Png(16, 16, 3, Noise);
        png[^20] ^= 0x01; // inside the last IDAT's data
        Assert.Equal("it is corrupt: the PNG's IDAT chunk fails its CRC check.",
            Assert.Throws<ImageDecodeException>(() => ImageFolderReader.DecodeImage(png, Options)).Reason);
    }

    [Fact]
    public void Other_formats_the_decoder_knows_are_refused()
    {
        byte[][] others =
        [
            [.. "GIF89a"u8, 1, 0, 1, 0, 0, 0, 0, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B],
            [.. "P5 1 1 255\n"u8, 7],
            [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 8, 0, 7], // TGA
        ];
        foreach (byte[] other in others)
        {
            Assert.Equal("it is not a PNG, JPEG or BMP image.",
                Assert.Throws<ImageDecodeException>(() => ImageFolderReader.DecodeImage(other, Options)).Reason);
        }
    }

    [Fact]
    public void A_jpeg_without_a_scan_or_with_an_empty_scan_is_refused()
    {
        byte[] jpeg = TinyJpeg.Gray(16, 16);
        int sos = IndexOfMarker(jpeg, 0xDA);
        byte[] noScan = [.. jpeg[..sos], 0xFF, 0xD9];
        int scanData = sos + 2 + (jpeg[sos + 2] << 8 | jpeg[sos + 3]);
        byte[] emptyScan = [.. jpeg[..scanData], 0xFF, 0xD9];
        Assert.Equal("it is incomplete: the JPEG ends before any image data (no scan).",
            Assert.Throws<ImageDecodeException>(() => ImageFolderReader.DecodeImage(noScan, Options)).Reason);
        Assert.Equal("it is incomplete: a JPEG scan has no image data.",
            Assert.Throws<ImageDecodeException>(() => ImageFolderReader.DecodeImage(emptyScan, Options)).Reason);
    }

    [Fact]
    public void Mutated_samples_decode_or_are_refused_and_never_throw_anything_else()
    {
        byte[][] samples = [.. Samples.Values];
        Gen.Select(Gen.Int[0, samples.Length - 1], Gen.Int[0, int.MaxValue].Array[1, 6], Gen.Byte.Array[1, 6], Gen.Int[0, 2])
            .Sample((sample, positions, values, kind) =>
            {
                byte[] bytes = (byte[])samples[sample].Clone();
                for (int i = 0; i < positions.Length; i++)
                {
                    int at = positions[i] % bytes.Length;
                    bytes[at] = kind switch { 0 => values[i % values.Length], 1 => (byte)(bytes[at] ^ (1 << (values[i % values.Length] % 8))), _ => 0xFF };
                }
                DecodedOrRefused(bytes);
            }, iter: 3000);
    }

    [Fact]
    public void Random_bytes_behind_each_magic_are_refused_and_never_throw_anything_else()
    {
        byte[][] magics = [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8], [.. "BM"u8], []];
        Gen.Select(Gen.Int[0, magics.Length - 1], Gen.Byte.Array[0, 400]).Sample((magic, tail) =>
            DecodedOrRefused([.. magics[magic], .. tail]), iter: 3000);
    }

    private static void DecodedOrRefused(byte[] bytes)
    {
        try
        {
            Assert.Equal(3 * 8 * 8, ImageFolderReader.DecodeImage(bytes, Options).Length);
        }
        catch (ImageDecodeException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Reason));
            Assert.EndsWith(".", e.Reason, StringComparison.Ordinal);
        }
    }

    private static int IndexOfMarker(byte[] jpeg, byte marker)
    {
        for (int i = 0; i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
            {
                return i;
            }
        }
        throw new ArgumentException("marker not found");
    }

    // A PNG whose IHDR declares the size; `whole`: also one IDAT and IEND with valid CRCs (a structurally complete file).
    internal static byte[] HugePng(int width, int height, bool whole)
    {
        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        byte[] real = TestImages.Png(1, 1, 3, Noise);
        byte[] head = [.. real[..8], .. Chunk("IHDR", ihdr)];
        return whole ? [.. head, .. real[(8 + 25)..]] : head;
    }

    private static byte[] JpegHeader(int width, int height) =>
        [0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0];

    private static byte[] BmpHeader(int width, int height)
    {
        byte[] bmp = new byte[54];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        return bmp;
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        byte[] chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }
}
