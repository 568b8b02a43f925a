using Imguard.Learning.Data;

namespace Imguard.Client.Datasets;

/// <summary>
/// Where the owner's images come from: a folder with one sub-folder per class (PNG/JPEG/BMP, decoded to pixels only:
/// EXIF, GPS and every other metadata never leave the decoder; resized to the project's input shape), a pair of IDX
/// files, or the Fashion-MNIST train or test split from the Debian package.
/// </summary>
public sealed record DatasetSource
{
    public string? ImageFolder { get; init; }

    public string? IdxImages { get; init; }

    public string? IdxLabels { get; init; }

    /// <summary><c>train</c> or <c>test</c>.</summary>
    public string? FashionMnist { get; init; }

    /// <summary>Use only the first this many images (0: all).</summary>
    public int Limit { get; init; }

    /// <summary>Loads raw 0..255 pixels, resized to <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> for image folders.</summary>
    public LabeledImages Load(int channels, int height, int width, TextWriter? warnings = null)
    {
        int given = (ImageFolder is null ? 0 : 1) + (IdxImages is null ? 0 : 1) + (FashionMnist is null ? 0 : 1);
        if (given != 1)
        {
            throw new ArgumentException("Name exactly one source: an image folder, IDX files, or fashion-mnist train|test.");
        }
        LabeledImages images;
        if (ImageFolder is not null)
        {
            ImageFolderResult result = ImageFolderReader.Load(ImageFolder, new ImageLoadOptions { Channels = channels, Height = height, Width = width, SkipInvalid = true });
            foreach (ImageLoadError error in result.Errors)
            {
                warnings?.WriteLine($"skipped {error.FilePath}: {error.Reason}");
            }
            images = result.Images;
            if (images.Count == 0)
            {
                throw new InvalidDataException($"None of the {result.Errors.Count} images in '{ImageFolder}' can be used (each is listed above with the reason).");
            }
            if (result.Errors.Count > 0)
            {
                warnings?.WriteLine($"skipped {result.Errors.Count} of {result.Errors.Count + images.Count} images; using the other {images.Count}");
            }
        }
        else if (IdxImages is not null)
        {
            if (IdxLabels is null)
            {
                throw new ArgumentException("IDX images need their labels file too.");
            }
            images = IdxReader.LoadDataset(IdxImages, IdxLabels, [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }
        else
        {
            images = FashionMnist switch
            {
                "train" => Learning.Data.FashionMnist.LoadTrain(),
                "test" => Learning.Data.FashionMnist.LoadTest(),
                _ => throw new ArgumentException("fashion-mnist is 'train' or 'test'."),
            };
        }
        if (images.Channels != channels || images.Height != height || images.Width != width)
        {
            throw new ArgumentException($"The images are {images.Channels}×{images.Height}×{images.Width}; the project expects {channels}×{height}×{width}.");
        }
        return Limit > 0 && Limit < images.Count ? images.Slice(0, Limit) : images;
    }
}
