using System.Collections.ObjectModel;
using System.Globalization;
using StbImageSharp;

namespace Imguard.Learning.Data;

/// <summary>
/// Loads a labelled image folder: one sub-folder per class (class names are the sub-folder names in ordinal order), each
/// holding .png, .jpg, .jpeg or .bmp files (extension case-insensitive; other files are ignored; names starting with '.'
/// are ignored; sub-folders of class folders are not searched).
/// </summary>
/// <remarks>
/// Images are decoded with StbImageSharp to pixels only: EXIF (including GPS position), XMP, ICC profiles, comments and all
/// other metadata are never read into the result, so they are dropped by construction. Pixels are converted to the
/// requested channels (1 = ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B, 3 = RGB; alpha is dropped, not blended) and
/// resized to the requested size (area averaging when shrinking, bilinear when enlarging, per axis, deterministic), as
/// floats 0..255 in CHW order. File size is checked before reading; the file's structure (complete, not cut off:
/// <see cref="ImageStructure"/>) and the header's pixel count before decoding.
/// </remarks>
public static class ImageFolderReader
{
    /// <summary>File extensions that are loaded (compared case-insensitively).</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = new ReadOnlyCollection<string>([".png", ".jpg", ".jpeg", ".bmp"]);

    /// <summary>Loads every image under <paramref name="directory"/>, class by class, files in ordinal name order.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder has no class sub-folders.</exception>
    /// <exception cref="ImageDecodeException">A file is unreadable, corrupt or over a limit and <see cref="ImageLoadOptions.SkipInvalid"/> is off.</exception>
    public static ImageFolderResult Load(string directory, ImageLoadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!Directory.Exists(directory))
        {
            throw LearningError.FolderMissing(directory);
        }

        string[] classDirectories = Directory.GetDirectories(directory)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .ToArray();
        if (classDirectories.Length == 0)
        {
            throw LearningError.InvalidData($"Image folder '{directory}' has no class sub-folders (one folder per class expected).");
        }

        var classNames = classDirectories.Select(d => Path.GetFileName(d)).ToArray();
        var files = new List<(string Path, int Label)>();
        for (int label = 0; label < classDirectories.Length; label++)
        {
            foreach (string file in Directory.GetFiles(classDirectories[label])
                .Where(IsImageFile)
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal))
            {
                files.Add((file, label));
            }
        }

        if (files.Count == 0)
        {
            throw LearningError.InvalidData(
                $"Image folder '{directory}' has class folders but no {string.Join(", ", SupportedExtensions)} files in them.");
        }

        int size = options.Channels * options.Height * options.Width;
        if ((long)files.Count * size > Array.MaxLength)
        {
            throw LearningError.InvalidArgument(
                $"Image folder '{directory}': {files.Count} images of {options.Channels}×{options.Height}×{options.Width} exceed the largest array.");
        }

        var pixels = new float[files.Count * size];
        var failures = new ImageDecodeException?[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            try
            {
                DecodeFile(files[i].Path, options, pixels.AsSpan(i * size, size));
            }
            catch (ImageDecodeException e)
            {
                failures[i] = e;
            }
        });

        var errors = new List<ImageLoadError>();
        var kept = new List<int>(files.Count);
        for (int i = 0; i < files.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                if (!options.SkipInvalid)
                {
                    throw failure;
                }

                errors.Add(new ImageLoadError(files[i].Path, failure.Reason ?? failure.Message));
            }
            else
            {
                kept.Add(i);
            }
        }

        int[] labels = kept.Select(i => files[i].Label).ToArray();
        if (kept.Count != files.Count)
        {
            var compact = new float[kept.Count * size];
            for (int k = 0; k < kept.Count; k++)
            {
                pixels.AsSpan(kept[k] * size, size).CopyTo(compact.AsSpan(k * size, size));
            }

            pixels = compact;
        }

        var images = new LabeledImages(pixels, labels, options.Channels, options.Height, options.Width, classNames);
        return new ImageFolderResult(images, errors.AsReadOnly());
    }

    /// <summary>
    /// Decodes one encoded image (PNG, JPEG or BMP) to <see cref="ImageLoadOptions.Channels"/>×<see cref="ImageLoadOptions.Height"/>×<see cref="ImageLoadOptions.Width"/>
    /// floats 0..255, metadata dropped, under the same limits as a folder load.
    /// </summary>
    /// <exception cref="ImageDecodeException">The bytes are not a supported image, are corrupt, or break a limit.</exception>
    public static float[] DecodeImage(byte[] bytes, ImageLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var destination = new float[options.Channels * options.Height * options.Width];
        if (bytes.LongLength > options.MaxFileBytes)
        {
            throw LearningError.ImageDecode(null, TooLarge(bytes.LongLength, options.MaxFileBytes), null);
        }

        DecodeCore(bytes, null, options, destination);
        return destination;
    }

    private static bool IsImageFile(string path)
    {
        string name = Path.GetFileName(path);
        if (name.StartsWith('.'))
        {
            return false;
        }

        string extension = Path.GetExtension(name);
        return SupportedExtensions.Any(e => string.Equals(e, extension, StringComparison.OrdinalIgnoreCase));
    }

    private static void DecodeFile(string path, ImageLoadOptions options, Span<float> destination)
    {
        byte[] bytes;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > options.MaxFileBytes)
            {
                throw LearningError.ImageDecode(path, TooLarge(length, options.MaxFileBytes), null);
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is (IOException and not ImageDecodeException) or UnauthorizedAccessException)
        {
            throw LearningError.ImageDecode(path, $"the file could not be read ({e.GetType().Name}).", e);
        }

        if (bytes.LongLength > options.MaxFileBytes)
        {
            throw LearningError.ImageDecode(path, TooLarge(bytes.LongLength, options.MaxFileBytes), null);
        }

        DecodeCore(bytes, path, options, destination);
    }

    private static string TooLarge(long length, long limit) =>
        string.Create(CultureInfo.InvariantCulture, $"it is too large ({length:N0} bytes; the limit is {limit:N0} bytes).");

    private static string TooManyPixels(int width, int height, long limit) =>
        string.Create(CultureInfo.InvariantCulture, $"it is too large ({width}×{height} pixels; the limit is {limit:N0} pixels).");

    private static void DecodeCore(byte[] bytes, string? path, ImageLoadOptions options, Span<float> destination)
    {
        // Structure and size first, from the file's own header: a cut-off file would decode to a flat grey image, and a
        // decompression bomb must be refused before stb allocates its pixels.
        string? problem = ImageStructure.Check(bytes, out int width, out int height);
        if ((long)width * height > options.MaxPixels)
        {
            throw LearningError.ImageDecode(path, TooManyPixels(width, height, options.MaxPixels), null);
        }
        if (problem is not null)
        {
            throw LearningError.ImageDecode(path, problem, null);
        }

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.Default);
        }
#pragma warning disable CA1031 // stb is a C port: a corrupt file can surface as any exception type; each one becomes a decode error for this file.
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            throw LearningError.ImageDecode(path, "its image data is corrupt or uses a feature that is not supported.", e);
        }

        int components = (int)image.Comp;
        if (image.Data is null || components is < 1 or > 4 || image.Width != width || image.Height != height
            || image.Data.LongLength < (long)image.Width * image.Height * components)
        {
            throw LearningError.ImageDecode(path, "the decoder returned no usable pixels.", null);
        }

        Resampler.Resize(image.Data, components, image.Height, image.Width, options.Channels, options.Height, options.Width, destination);
    }
}
