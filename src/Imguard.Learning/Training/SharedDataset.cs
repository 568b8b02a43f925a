using Imguard.Learning.Data;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Training;

/// <summary>
/// One party's half of a labelled image dataset: N images (C×H×W, standardised, fixed-point) as an N×D share and
/// their labels as an N×C share of one-hot vectors in fixed point (1.0 = 2^f), so labels mix like images under
/// InstaHide. The owner makes both halves with <see cref="Share"/> on its own device; a party only ever holds one.
/// </summary>
public sealed class SharedDataset
{
    public SharedDataset(int partyId, FixedPointFormat format, int[] imageShape, int classes, RingTensor images, RingTensor labels)
    {
        ArgumentNullException.ThrowIfNull(imageShape);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (partyId is not (0 or 1))
        {
            throw LearningError.InvalidArgument($"Party id must be 0 or 1; got {partyId}.");
        }
        if (imageShape.Length != 3 || imageShape.Any(d => d < 1) || classes < 2)
        {
            throw LearningError.InvalidArgument("A shared dataset needs an image shape [C, H, W] and at least two classes.");
        }
        int d = imageShape[0] * imageShape[1] * imageShape[2];
        if (images.Rank != 2 || images.Shape[1] != d)
        {
            throw LearningError.ShapeMismatch("shared images", [-1, d], images.Shape);
        }
        if (labels.Rank != 2 || labels.Shape[0] != images.Shape[0] || labels.Shape[1] != classes)
        {
            throw LearningError.ShapeMismatch("shared labels", [images.Shape[0], classes], labels.Shape);
        }
        PartyId = partyId;
        Format = format;
        ImageShape = (int[])imageShape.Clone();
        Classes = classes;
        Images = images;
        Labels = labels;
    }

    public int PartyId { get; }

    public FixedPointFormat Format { get; }

    /// <summary>[C, H, W].</summary>
    public int[] ImageShape { get; }

    public int Classes { get; }

    public int Count => Images.Shape[0];

    /// <summary>D = C·H·W.</summary>
    public int ImageScalars => Images.Shape[1];

    /// <summary>N×D.</summary>
    public RingTensor Images { get; }

    /// <summary>N×C one-hot labels in fixed point.</summary>
    public RingTensor Labels { get; }

    /// <summary>
    /// Owner side: encodes already standardised images and one-hot labels and splits them into the two halves.
    /// Values must fit the fixed-point range (standardised pixels do by a wide margin).
    /// </summary>
    public static (SharedDataset Party0, SharedDataset Party1) Share(LabeledImages images, FixedPointFormat format)
    {
        ArgumentNullException.ThrowIfNull(images);
        var rows = EncodeRows(images, format);
        try
        {
            var (s0, s1) = SecretSharer.Split(rows);
            int[] shape = [images.Channels, images.Height, images.Width];
            return (FromRows(0, format, shape, images.ClassCount, s0.Span), FromRows(1, format, shape, images.ClassCount, s1.Span));
        }
        finally
        {
            Array.Clear(rows.Data);
        }
    }

    /// <summary>
    /// The one encoding of a labelled set: N×(D+C) rows [image | one-hot label] in fixed point (a label's 1 is 2^f),
    /// the layout <see cref="ImagesWithLabels"/> rebuilds from a half and share files store. The result is the
    /// secret itself: owner side only, and the caller wipes it once split.
    /// </summary>
    internal static RingTensor EncodeRows(LabeledImages images, FixedPointFormat format)
    {
        ArgumentNullException.ThrowIfNull(images);
        int n = images.Count, d = images.ImageSize, c = images.ClassCount, w = d + c;
        var rows = new RingTensor(n, w);
        var pixels = images.Pixels;
        for (int i = 0; i < n; i++)
        {
            var row = rows.Span.Slice(i * w, w);
            format.Encode(pixels.AsSpan(i * d, d), row[..d]);
            row[d + images.Labels[i]] = format.One;
        }
        return rows;
    }

    /// <summary>A party's half from its N×(D+C) rows laid out as <see cref="EncodeRows"/> does (copied apart).</summary>
    internal static SharedDataset FromRows(int partyId, FixedPointFormat format, int[] imageShape, int classes, ReadOnlySpan<ulong> rows)
    {
        ArgumentNullException.ThrowIfNull(imageShape);
        int d = imageShape.Aggregate(1, (a, b) => checked(a * b)), w = d + classes;
        if (w <= 0 || rows.Length % w != 0)
        {
            throw LearningError.LengthMismatch("shared dataset rows", (long)rows.Length / Math.Max(w, 1) * w, rows.Length);
        }
        int n = rows.Length / w;
        var images = new RingTensor(n, d);
        var labels = new RingTensor(n, classes);
        for (int i = 0; i < n; i++)
        {
            rows.Slice(i * w, d).CopyTo(images.Span.Slice(i * d, d));
            rows.Slice(i * w + d, classes).CopyTo(labels.Span.Slice(i * classes, classes));
        }
        return new SharedDataset(partyId, format, imageShape, classes, images, labels);
    }

    /// <summary>Rows [images | labels] side by side, N×(D+C): the table InstaHide mixes (labels mix like pixels).</summary>
    public SharedTensor ImagesWithLabels()
    {
        int n = Count, d = ImageScalars, c = Classes, w = d + c;
        var table = new RingTensor(n, w);
        for (int i = 0; i < n; i++)
        {
            Images.Span.Slice(i * d, d).CopyTo(table.Span.Slice(i * w, d));
            Labels.Span.Slice(i * c, c).CopyTo(table.Span.Slice(i * w + d, c));
        }
        return new SharedTensor(PartyId, table, Format);
    }

    /// <summary>Rows <paramref name="rows"/> as a batch: images B×C×H×W and labels B×C (local: a selection of shares).</summary>
    public (SharedTensor Images, SharedTensor Labels) Gather(ReadOnlySpan<int> rows)
    {
        int b = rows.Length, d = ImageScalars, c = Classes;
        var images = new RingTensor(b, ImageShape[0], ImageShape[1], ImageShape[2]);
        var labels = new RingTensor(b, c);
        for (int i = 0; i < b; i++)
        {
            int row = rows[i];
            if ((uint)row >= (uint)Count)
            {
                throw LearningError.IndexOutOfRange(nameof(rows), Count);
            }
            Images.Span.Slice(row * d, d).CopyTo(images.Span.Slice(i * d, d));
            Labels.Span.Slice(row * c, c).CopyTo(labels.Span.Slice(i * c, c));
        }
        return (new SharedTensor(PartyId, images, Format), new SharedTensor(PartyId, labels, Format));
    }
}
