using System.Buffers.Binary;

namespace Imguard.SystemTests;

/// <summary>The small labelled data the system tests upload: a bright square whose place depends on the label.</summary>
internal static class IdxSquares
{
    // A plain (not gzipped) IDX pair: 28×28 grey images with a bright square whose place depends on the label.
    public static (string Images, string Labels) Write(string folder, int count, int offset)
    {
        Directory.CreateDirectory(folder);
        byte[] images = new byte[16 + count * 28 * 28];
        byte[] labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int i = 0; i < count; i++)
        {
            int label = i % 10;
            labels[8 + i] = (byte)label;
            for (int y = 0; y < 6; y++)
            {
                for (int x = 0; x < 6; x++)
                {
                    images[16 + i * 784 + (2 + label * 2 + y) * 28 + 2 + x + (i + offset) % 7] = 255;
                }
            }
        }

        string imagesPath = Path.Combine(folder, "images-idx3-ubyte");
        string labelsPath = Path.Combine(folder, "labels-idx1-ubyte");
        File.WriteAllBytes(imagesPath, images);
        File.WriteAllBytes(labelsPath, labels);
        return (imagesPath, labelsPath);
    }
}
