namespace Imguard.Learning.Data;

/// <summary>What <see cref="ImageFolderReader.Load"/> returns: the images that loaded and the files that were skipped.</summary>
public sealed class ImageFolderResult
{
    internal ImageFolderResult(LabeledImages images, IReadOnlyList<ImageLoadError> errors)
    {
        Images = images;
        Errors = errors;
    }

    /// <summary>The loaded images, class by class, files in ordinal name order within a class.</summary>
    public LabeledImages Images { get; }

    /// <summary>Files skipped with <see cref="ImageLoadOptions.SkipInvalid"/>, in the same order; empty otherwise.</summary>
    public IReadOnlyList<ImageLoadError> Errors { get; }
}
