using System.Buffers.Binary;
using System.IO.Compression;

namespace Imguard.Learning.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/): a big-endian magic
/// <c>00 00 08 D</c> (unsigned bytes, D dimensions), D big-endian int32 sizes, then the bytes row-major.
/// Files that start with the gzip magic <c>1f 8b</c> are decompressed transparently, whatever their name.
/// </summary>
/// <remarks>Validation is strict: wrong magic, wrong dimension count, truncated or over-long data all throw
/// <see cref="InvalidDataException"/> naming the file and what was expected, never its contents.</remarks>
public static class IdxReader
{
    /// <summary>Magic of an unsigned-byte image file: N × rows × columns.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic of an unsigned-byte label file: N.</summary>
    public const int LabelsMagic = 0x00000801;

    private const int InitialBufferBytes = 1 << 20;

    /// <summary>Reads an IDX image file (magic 0x00000803).</summary>
    /// <returns>Image count, rows, columns, and count·rows·columns pixel bytes, row-major.</returns>
    public static (int Count, int Rows, int Columns, byte[] Pixels) LoadImages(string path)
    {
        using var stream = OpenMaybeGzip(path);
        return ReadImages(stream, path);
    }

    /// <summary>Reads an IDX label file (magic 0x00000801).</summary>
    public static byte[] LoadLabels(string path)
    {
        using var stream = OpenMaybeGzip(path);
        return ReadLabels(stream, path);
    }

    /// <summary>
    /// Reads an image file and a label file into a one-channel dataset with raw pixel values 0..255 as floats (no scaling).
    /// </summary>
    /// <exception cref="InvalidDataException">Either file is malformed, the counts differ, or a label is not below the number of class names.</exception>
    public static LabeledImages LoadDataset(string imagesPath, string labelsPath, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        var (count, rows, columns, pixels) = LoadImages(imagesPath);
        byte[] labelBytes = LoadLabels(labelsPath);
        if (labelBytes.Length != count)
        {
            throw LearningError.InvalidData(
                $"IDX count mismatch: '{imagesPath}' holds {count} images but '{labelsPath}' holds {labelBytes.Length} labels.");
        }

        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (labelBytes[i] >= classNames.Count)
            {
                throw LearningError.InvalidData(
                    $"IDX label file '{labelsPath}': label {i} is not below the class count {classNames.Count}.");
            }

            labels[i] = labelBytes[i];
        }

        var values = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            values[i] = pixels[i];
        }

        return new LabeledImages(values, labels, 1, rows, columns, classNames);
    }

    /// <summary>Reads IDX images from a stream that is already decompressed; <paramref name="name"/> is used in messages only.</summary>
    internal static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(Stream stream, string name)
    {
        Span<int> dims = stackalloc int[3];
        ReadHeader(stream, name, ImagesMagic, dims);
        int count = dims[0], rows = dims[1], columns = dims[2];
        if (rows <= 0 || columns <= 0)
        {
            throw LearningError.InvalidData($"IDX file '{name}': image size {rows}×{columns} is not positive.");
        }

        // count·rows·columns can reach 2^93: compare by division so the product never overflows.
        long imageSize = (long)rows * columns;
        if (imageSize > Array.MaxLength || (count > 0 && imageSize > Array.MaxLength / count))
        {
            throw LearningError.InvalidData($"IDX file '{name}': {count} images of {rows}×{columns} exceed the largest array.");
        }

        byte[] pixels = ReadBody(stream, name, (int)(count * imageSize));
        return (count, rows, columns, pixels);
    }

    /// <summary>Reads IDX labels from a stream that is already decompressed; <paramref name="name"/> is used in messages only.</summary>
    internal static byte[] ReadLabels(Stream stream, string name)
    {
        Span<int> dims = stackalloc int[1];
        ReadHeader(stream, name, LabelsMagic, dims);
        return ReadBody(stream, name, dims[0]);
    }

    /// <summary>Opens <paramref name="path"/>, wrapping it in a gzip decompressor when it starts with 1f 8b.</summary>
    internal static Stream OpenMaybeGzip(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return MaybeGunzip(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Wraps a seekable <paramref name="stream"/> (owned) in a gzip decompressor when it starts with 1f 8b.</summary>
    internal static Stream MaybeGunzip(Stream stream)
    {
        Span<byte> head = stackalloc byte[2];
        int read = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read == 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            return new BufferedStream(new GZipStream(stream, CompressionMode.Decompress, leaveOpen: false), 1 << 16);
        }

        return stream;
    }

    private static void ReadHeader(Stream stream, string name, int expectedMagic, Span<int> dims)
    {
        Span<byte> header = stackalloc byte[4 + 4 * dims.Length];
        int read = ReadFully(stream, name, header);
        if (read < 4)
        {
            throw LearningError.InvalidData($"IDX file '{name}' is truncated: it ends inside the 4-byte magic number.");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic)
        {
            int expectedDims = expectedMagic & 0xff;
            if ((magic & ~0xff) == (expectedMagic & ~0xff))
            {
                throw LearningError.InvalidData(
                    $"IDX file '{name}' has {magic & 0xff} dimensions (magic 0x{magic:X8}); expected {expectedDims} (magic 0x{expectedMagic:X8}).");
            }

            throw LearningError.InvalidData(
                $"IDX file '{name}' has bad magic 0x{magic:X8}; expected 0x{expectedMagic:X8} (unsigned bytes, {expectedDims} dimensions).");
        }

        if (read < header.Length)
        {
            throw LearningError.InvalidData(
                $"IDX file '{name}' is truncated: the header needs {header.Length} bytes, the file has {read}.");
        }

        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header[(4 + 4 * i)..]);
            if (dims[i] < 0)
            {
                throw LearningError.InvalidData($"IDX file '{name}': dimension {i} is negative ({dims[i]}).");
            }
        }
    }

    // Reads exactly `length` body bytes and checks nothing follows. A plain file's length is known up front; a gzipped
    // one's is not, so the buffer starts at 1 MiB and doubles as data arrives: a header that claims gigabytes in a tiny
    // (or gzipped) file fails as truncated having allocated at most twice what the file really holds.
    private static byte[] ReadBody(Stream stream, string name, int length)
    {
        if (stream.CanSeek && stream.Length - stream.Position < length)
        {
            throw LearningError.InvalidData(
                $"IDX file '{name}' is truncated: the header announces {length} data bytes, the file has {stream.Length - stream.Position}.");
        }

        var buffer = new byte[Math.Min(length, InitialBufferBytes)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            }

            int n = ReadFully(stream, name, buffer.AsSpan(filled));
            filled += n;
            if (filled < buffer.Length)
            {
                throw LearningError.InvalidData(
                    $"IDX file '{name}' is truncated: the header announces {length} data bytes, the file has {filled}.");
            }
        }

        Span<byte> extra = stackalloc byte[1];
        if (ReadFully(stream, name, extra) != 0)
        {
            throw LearningError.InvalidData(
                $"IDX file '{name}' has data after the {length} bytes its header announces.");
        }

        return buffer;
    }

    private static int ReadFully(Stream stream, string name, Span<byte> destination)
    {
        try
        {
            return stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            // GZipStream reports a damaged or cut-off compressed stream this way.
            throw LearningError.InvalidData($"IDX file '{name}' is not a valid gzip stream or is truncated.", e);
        }
    }
}
