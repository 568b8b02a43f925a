using System.Buffers.Binary;
using System.IO.Compression;
using Imguard.Learning.Data;

namespace Imguard.Platform.Tests.Privacy;

/// <summary>Writes images as gzip IDX under the Fashion-MNIST test set's file names (what the platform's privacy reports read).</summary>
internal static class PublicTestSet
{
    public static void Write(string directory, LabeledImages images)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x0803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), images.Count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), images.Height);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), images.Width);
        using (var file = new GZipStream(File.Create(Path.Combine(directory, "t10k-images-idx3-ubyte.gz")), CompressionLevel.Fastest))
        {
            file.Write(header);
            file.Write(images.Pixels.Select(p => (byte)Math.Clamp(MathF.Round(p), 0, 255)).ToArray());
        }
        var labelHeader = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(labelHeader, 0x0801);
        BinaryPrimitives.WriteInt32BigEndian(labelHeader.AsSpan(4), images.Count);
        using (var file = new GZipStream(File.Create(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz")), CompressionLevel.Fastest))
        {
            file.Write(labelHeader);
            file.Write(images.Labels.Select(l => (byte)l).ToArray());
        }
    }
}
