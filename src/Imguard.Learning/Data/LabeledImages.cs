namespace Imguard.Learning.Data;

/// <summary>
/// An in-memory labelled image dataset: <see cref="Count"/> images of <see cref="Channels"/>×<see cref="Height"/>×<see cref="Width"/>
/// float32 values in one contiguous row-major NCHW array, and one label in [0, <see cref="ClassCount"/>) per image.
/// </summary>
/// <remarks>
/// The dataset takes ownership of the pixel and label arrays it is given (no copy: Fashion-MNIST alone is 47 million floats);
/// callers must not change them afterwards. <see cref="Slice"/> and <see cref="Subset"/> copy.
/// </remarks>
public sealed class LabeledImages
{
    private readonly string[] _classNames;

    /// <summary>Creates a dataset over <paramref name="pixels"/> (N·C·H·W, NCHW) and <paramref name="labels"/> (N).</summary>
    /// <exception cref="ArgumentException">A dimension is not positive, the pixel count is not N·C·H·W, a class name is empty or repeated, or a label is outside [0, class count).</exception>
    public LabeledImages(float[] pixels, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (channels <= 0 || height <= 0 || width <= 0)
        {
            throw LearningError.InvalidArgument($"Image dimensions must be positive; got channels {channels}, height {height}, width {width}.");
        }

        long imageSize = (long)channels * height * width;
        if (imageSize > int.MaxValue || imageSize * labels.Length != pixels.LongLength)
        {
            throw LearningError.InvalidArgument(
                $"Dataset pixels hold {pixels.LongLength} values; {labels.Length} images of {channels}×{height}×{width} need {imageSize * labels.Length}.");
        }

        if (classNames.Count == 0)
        {
            throw LearningError.InvalidArgument("A dataset needs at least one class name.");
        }

        var names = new string[classNames.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            string? name = classNames[i];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw LearningError.InvalidArgument($"Class name {i} is empty.");
            }

            if (!seen.Add(name))
            {
                throw LearningError.InvalidArgument($"Class name '{name}' appears more than once.");
            }

            names[i] = name;
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)names.Length)
            {
                // The label value itself is data; the message names only its position and the valid range.
                throw LearningError.InvalidArgument($"Label of image {i} is outside [0, {names.Length}).");
            }
        }

        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        _classNames = names;
    }

    /// <summary>All pixels, N·C·H·W values in NCHW order.</summary>
    public float[] Pixels { get; }

    /// <summary>One label per image, each in [0, <see cref="ClassCount"/>).</summary>
    public int[] Labels { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Channels per image (1 = grayscale, 3 = RGB).</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Values per image, C·H·W.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>Number of classes.</summary>
    public int ClassCount => _classNames.Length;

    /// <summary>Class names, indexed by label (a copy).</summary>
    public string[] ClassNames => (string[])_classNames.Clone();

    /// <summary>The C·H·W values of image <paramref name="index"/>.</summary>
    public Span<float> GetImage(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw LearningError.InvalidArgument($"Image index {index} is outside [0, {Count}).");
        }

        return Pixels.AsSpan(index * ImageSize, ImageSize);
    }

    /// <summary>A copy of images [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    public LabeledImages Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
        {
            throw LearningError.InvalidArgument($"Slice [{start}, {start}+{count}) is outside a dataset of {Count} images.");
        }

        return new LabeledImages(
            Pixels.AsSpan(start * ImageSize, count * ImageSize).ToArray(),
            Labels.AsSpan(start, count).ToArray(),
            Channels, Height, Width, _classNames);
    }

    /// <summary>A copy of the images at <paramref name="indices"/>, in that order (repeats allowed).</summary>
    public LabeledImages Subset(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int size = ImageSize;
        var pixels = new float[(long)indices.Length * size];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int source = indices[i];
            if ((uint)source >= (uint)Count)
            {
                throw LearningError.InvalidArgument($"Subset index {i} points at image {source}, outside [0, {Count}).");
            }

            Pixels.AsSpan(source * size, size).CopyTo(pixels.AsSpan(i * size, size));
            labels[i] = Labels[source];
        }

        return new LabeledImages(pixels, labels, Channels, Height, Width, _classNames);
    }
}
