using StbImageWriteSharp;

namespace Imguard.Learning.Tests.Data;

/// <summary>Encodes small synthetic images with StbImageWriteSharp.</summary>
internal static class TestImages
{
    /// <summary>Interleaved pixels of a width×height image with <paramref name="components"/> bytes each, from a per-position function.</summary>
    public static byte[] Pixels(int width, int height, int components, Func<int, int, int, byte> value)
    {
        var data = new byte[width * height * components];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < components; c++)
                {
                    data[(y * width + x) * components + c] = value(x, y, c);
                }
            }
        }

        return data;
    }

    public static byte[] Png(int width, int height, int components, Func<int, int, int, byte> value) =>
        Encode(width, height, components, value, (w, data, s) => w.WritePng(data, width, height, Components(components), s));

    public static byte[] Jpeg(int width, int height, int components, Func<int, int, int, byte> value, int quality = 90) =>
        Encode(width, height, components, value, (w, data, s) => w.WriteJpg(data, width, height, Components(components), s, quality));

    public static byte[] Bmp(int width, int height, int components, Func<int, int, int, byte> value) =>
        Encode(width, height, components, value, (w, data, s) => w.WriteBmp(data, width, height, Components(components), s));

    /// <summary>Inserts an APP1 "Exif" segment (with a GPS-looking payload) right after the JPEG SOI marker.</summary>
    public static byte[] WithExif(byte[] jpeg)
    {
        if (jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new ArgumentException("not a JPEG", nameof(jpeg));
        }

        byte[] payload = [.. "Exif\0\0"u8, .. "MM\0*\0\0\0\bGPS 52.5200N 13.4050E camera serial 12345"u8];
        int length = payload.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [jpeg[0], jpeg[1], .. segment, .. jpeg.AsSpan(2)];
    }

    private static ColorComponents Components(int components) => components switch
    {
        1 => ColorComponents.Grey,
        2 => ColorComponents.GreyAlpha,
        3 => ColorComponents.RedGreenBlue,
        4 => ColorComponents.RedGreenBlueAlpha,
        _ => throw new ArgumentOutOfRangeException(nameof(components)),
    };

    private static byte[] Encode(int width, int height, int components, Func<int, int, int, byte> value, Action<ImageWriter, byte[], Stream> write)
    {
        byte[] data = Pixels(width, height, components, value);
        using var stream = new MemoryStream();
        write(new ImageWriter(), data, stream);
        return stream.ToArray();
    }
}
