namespace Imguard.Learning.Data;

/// <summary>How <see cref="ImageFolderReader"/> decodes, converts and resizes images, and the limits it enforces.</summary>
public sealed class ImageLoadOptions
{
    /// <summary>Default <see cref="MaxFileBytes"/>: 20 MB.</summary>
    public const long DefaultMaxFileBytes = 20L * 1024 * 1024;

    /// <summary>Default <see cref="MaxPixels"/>: 40 megapixels.</summary>
    public const long DefaultMaxPixels = 40_000_000;

    /// <summary>Output channels: 1 (grayscale, ITU-R BT.601 luma) or 3 (RGB). Alpha is always dropped.</summary>
    public required int Channels { get; init; }

    /// <summary>Output height in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>Output width in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>Largest encoded file accepted, in bytes; a larger file is an error.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>Largest decoded image accepted, width·height from the image header, checked before decoding (decompression bombs).</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>
    /// When true, a folder load records each file that fails in <see cref="ImageFolderResult.Errors"/> and goes on;
    /// when false (the default) the first failure throws <see cref="ImageDecodeException"/>.
    /// </summary>
    public bool SkipInvalid { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        if (Channels is not (1 or 3))
        {
            throw LearningError.InvalidArgument($"Image channels must be 1 (grayscale) or 3 (RGB); got {Channels}.");
        }

        if (Height <= 0 || Width <= 0 || (long)Height * Width * Channels > Array.MaxLength)
        {
            throw LearningError.InvalidArgument($"Image size {Height}×{Width} must be positive and fit in one array.");
        }

        if (MaxFileBytes <= 0 || MaxPixels <= 0)
        {
            throw LearningError.InvalidArgument($"MaxFileBytes ({MaxFileBytes}) and MaxPixels ({MaxPixels}) must be positive.");
        }
    }
}
