// What: applies an EpochHidingPlan to plaintext images and labels: x̃_i = σ_i ⊙ Σ_j λ_ij x_{π_j(i)}, ỹ_i = Σ_j λ_ij e(y_{π_j(i)}).
// Source: spec.md §1 (notation), §4a (inside-dataset partners), §5 (soft labels, inside mode sums to 1), §6 (mask after
// mixing, labels untouched), §7 (whole epoch encoded, then visited in shuffled batches), §11 (pseudo-code).
// Plaintext reference and test oracle for the secure encoder.
using System.Buffers;
using System.Numerics;

namespace Imguard.Learning.Hiding;

/// <summary>
/// The plaintext InstaHide encoder (spec.md §11). Pure function of (plan, images, labels): it never writes into the
/// inputs and draws no randomness. Arithmetic: the K terms are accumulated in double in slot order 0..K−1 starting
/// from 0, rounded once to the element type, then the sign is flipped where σ = −1 (exact), so
/// σ ⊙ x̃ equals the mixup encoding bit for bit (test-properties.md #12).
/// </summary>
public static class InstaHideEncoder
{
    /// <summary>Encodes all N images: row i of the outputs is the encoding of image i (spec.md §11).</summary>
    /// <param name="plan">The epoch's randomness for N images of D scalars.</param>
    /// <param name="images">N×D normalized images, row-major (spec.md §2).</param>
    /// <param name="labels">N class indices in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">C ≥ 1.</param>
    /// <param name="encodedImages">N×D destination; must not overlap <paramref name="images"/>.</param>
    /// <param name="softLabels">N×C destination of the soft labels (spec.md §5).</param>
    public static void Encode(EpochHidingPlan plan, ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int classCount, Span<float> encodedImages, Span<float> softLabels) =>
        EncodeRows(plan, images, labels, classCount, default, allRows: true, encodedImages, softLabels);

    /// <inheritdoc cref="Encode(EpochHidingPlan, ReadOnlySpan{float}, ReadOnlySpan{int}, int, Span{float}, Span{float})"/>
    public static void Encode(EpochHidingPlan plan, ReadOnlySpan<double> images, ReadOnlySpan<int> labels, int classCount, Span<double> encodedImages, Span<double> softLabels) =>
        EncodeRows(plan, images, labels, classCount, default, allRows: true, encodedImages, softLabels);

    /// <summary>
    /// Encodes the rows <paramref name="rows"/> of the epoch's encoded set (typically <see cref="EpochHidingPlan.BatchRows"/>):
    /// output row r equals row rows[r] of <see cref="Encode(EpochHidingPlan, ReadOnlySpan{float}, ReadOnlySpan{int}, int, Span{float}, Span{float})"/>.
    /// Since the plan fixes the whole epoch's key up front, encoding on demand per batch is the same as encoding the whole
    /// set at the start of the epoch and then shuffling it into batches (spec.md §7 steps 1-2), without holding N×D encodings.
    /// </summary>
    /// <param name="plan">The epoch's randomness for N images of D scalars.</param>
    /// <param name="images">All N×D normalized images (partners come from the whole set).</param>
    /// <param name="labels">All N labels.</param>
    /// <param name="classCount">C ≥ 1.</param>
    /// <param name="rows">M row indices in [0, N).</param>
    /// <param name="encodedImages">M×D destination.</param>
    /// <param name="softLabels">M×C destination.</param>
    public static void EncodeBatch(EpochHidingPlan plan, ReadOnlySpan<float> images, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<int> rows, Span<float> encodedImages, Span<float> softLabels) =>
        EncodeRows(plan, images, labels, classCount, rows, allRows: false, encodedImages, softLabels);

    /// <inheritdoc cref="EncodeBatch(EpochHidingPlan, ReadOnlySpan{float}, ReadOnlySpan{int}, int, ReadOnlySpan{int}, Span{float}, Span{float})"/>
    public static void EncodeBatch(EpochHidingPlan plan, ReadOnlySpan<double> images, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<int> rows, Span<double> encodedImages, Span<double> softLabels) =>
        EncodeRows(plan, images, labels, classCount, rows, allRows: false, encodedImages, softLabels);

    private static void EncodeRows<T>(EpochHidingPlan plan, ReadOnlySpan<T> images, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<int> rows, bool allRows, Span<T> encodedImages, Span<T> softLabels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        int n = plan.Count, d = plan.ScalarsPerImage;
        int m = allRows ? n : rows.Length;
        if (images.Length != (long)n * d)
        {
            throw LearningError.ShapeMismatch(nameof(images), [n, d], [images.Length]);
        }
        if (labels.Length != n)
        {
            throw LearningError.ShapeMismatch(nameof(labels), [n], [labels.Length]);
        }
        if (encodedImages.Length != (long)m * d)
        {
            throw LearningError.ShapeMismatch(nameof(encodedImages), [m, d], [encodedImages.Length]);
        }
        if (softLabels.Length != (long)m * classCount)
        {
            throw LearningError.ShapeMismatch(nameof(softLabels), [m, classCount], [softLabels.Length]);
        }
        if (images.Overlaps(encodedImages))
        {
            throw LearningError.BuffersOverlap(nameof(images), nameof(encodedImages));
        }
        if (images.Overlaps(softLabels))
        {
            throw LearningError.BuffersOverlap(nameof(images), nameof(softLabels));
        }
        if (((ReadOnlySpan<T>)encodedImages).Overlaps(softLabels))
        {
            throw LearningError.BuffersOverlap(nameof(encodedImages), nameof(softLabels));
        }
        if (!allRows)
        {
            foreach (int row in rows)
            {
                if ((uint)row >= (uint)n)
                {
                    throw LearningError.IndexOutOfRange(nameof(rows), n);
                }
            }
        }
        ValidateUsedLabels(plan, labels, classCount, rows, allRows);
        EncodeRowsCore(plan, images, labels, classCount, rows, allRows, encodedImages, softLabels);
    }

    private static void ValidateUsedLabels(EpochHidingPlan plan, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<int> rows, bool allRows)
    {
        if (allRows)
        {
            // Every image is a partner in every slot, so every label is used.
            foreach (int label in labels)
            {
                if ((uint)label >= (uint)classCount)
                {
                    throw LearningError.LabelOutOfRange(nameof(labels), classCount);
                }
            }
            return;
        }
        foreach (int row in rows)
        {
            foreach (int partner in plan.PartnersOf(row))
            {
                if ((uint)labels[partner] >= (uint)classCount)
                {
                    throw LearningError.LabelOutOfRange(nameof(labels), classCount);
                }
            }
        }
    }

    private static void EncodeRowsCore<T>(EpochHidingPlan plan, ReadOnlySpan<T> images, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<int> rows, bool allRows, Span<T> encodedImages, Span<T> softLabels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = allRows ? plan.Count : rows.Length;
        int d = plan.ScalarsPerImage;
        double[] pixelBuffer = ArrayPool<double>.Shared.Rent(d);
        double[] labelBuffer = ArrayPool<double>.Shared.Rent(classCount);
        try
        {
            Span<double> mixed = pixelBuffer.AsSpan(0, d);
            Span<double> mixedLabel = labelBuffer.AsSpan(0, classCount);
            for (int r = 0; r < m; r++)
            {
                int i = allRows ? r : rows[r];
                ReadOnlySpan<double> lambda = plan.CoefficientsOf(i);
                ReadOnlySpan<int> partners = plan.PartnersOf(i);
                mixed.Clear();
                mixedLabel.Clear();
                for (int j = 0; j < lambda.Length; j++)
                {
                    double weight = lambda[j];
                    ReadOnlySpan<T> source = images.Slice(partners[j] * d, d);
                    for (int t = 0; t < d; t++)
                    {
                        mixed[t] += weight * double.CreateTruncating(source[t]); // Σ_j λ_ij x_{π_j(i)}
                    }
                    mixedLabel[labels[partners[j]]] += weight; // Σ_j λ_ij e(y_{π_j(i)})
                }

                Span<T> encoded = encodedImages.Slice(r * d, d);
                ReadOnlySpan<sbyte> sign = plan.MaskOf(i);
                if (sign.IsEmpty)
                {
                    for (int t = 0; t < d; t++)
                    {
                        encoded[t] = T.CreateTruncating(mixed[t]);
                    }
                }
                else
                {
                    for (int t = 0; t < d; t++)
                    {
                        T value = T.CreateTruncating(mixed[t]);
                        encoded[t] = sign[t] < 0 ? -value : value; // σ_i ⊙ (…), after mixing and rounding (spec.md §6)
                    }
                }

                Span<T> soft = softLabels.Slice(r * classCount, classCount);
                for (int c = 0; c < classCount; c++)
                {
                    soft[c] = T.CreateTruncating(mixedLabel[c]);
                }
            }
        }
        finally
        {
            // The mixed (unmasked) values are what the mask protects: wipe them before returning the buffer.
            Array.Clear(pixelBuffer);
            Array.Clear(labelBuffer);
            ArrayPool<double>.Shared.Return(pixelBuffer);
            ArrayPool<double>.Shared.Return(labelBuffer);
        }
    }
}
