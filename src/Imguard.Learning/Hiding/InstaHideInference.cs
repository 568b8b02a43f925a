// What: "InstaHide in inference": predictions averaged over T encodings of each test image.
// Source: spec.md §7 "Test time" (paper §3.3 as the first author describes it), test-properties.md #22-#23,
// accuracy-anchor.md (T = 16; λ₀ ≥ 0.5 variant).
using Imguard.Learning.Data;
using Imguard.Learning.Nn;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Hiding;

/// <summary>
/// The plaintext reference of "InstaHide in inference": each test image is encoded T times the way training encodes
/// (slot 0 = the image, K − 1 partners drawn uniformly from the training set, a fresh λ row from the same sampler and,
/// in mode instahide, a fresh ±1 mask per scalar), the model's softmax is averaged over the T encodings and the arg-max
/// is the prediction. <see cref="TestEncodingOptions.OwnCoefficientMin"/> redraws a λ row until the image's own
/// coefficient reaches it (the authors' suggestion, "e.g. &gt; 0.5"). T = 0 is the clean evaluation of the reference
/// code (normalised test images, no mixing, no mask). All randomness comes from the given PRG, encoding by encoding.
/// </summary>
public static class InstaHideInference
{
    /// <summary>
    /// One encoding of every test image (N×D, row i is image i's encoding), drawn in order: per image its λ row, its
    /// K − 1 partners, then its mask. <see cref="PredictAsync"/> draws its encodings with this, one after the other.
    /// </summary>
    public static double[] EncodeOnce(LabeledImages test, LabeledImages partners, TestEncodingOptions options, AesCtrPrg prg)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(prg);
        if (partners.ImageSize != test.ImageSize)
        {
            throw LearningError.InvalidArgument($"Partner images have {partners.ImageSize} values, test images {test.ImageSize}.");
        }
        var hiding = options.Hiding;
        int n = test.Count, d = test.ImageSize, k = hiding.SlotCount;
        var sampler = new PrgSampler(prg);
        var lambda = new double[k];
        var partnerRows = new int[k - 1];
        var maskWords = new ulong[hiding.HasMask ? MaskWords(d) : 0];
        var encoded = new double[checked(n * d)];
        for (int i = 0; i < n; i++)
        {
            DrawImageEncoding(sampler, options, partners.Count, lambda, partnerRows, maskWords);
            var row = encoded.AsSpan(i * d, d);
            AddScaled(row, test.GetImage(i), lambda[0]);
            for (int j = 1; j < k; j++)
            {
                AddScaled(row, partners.GetImage(partnerRows[j - 1]), lambda[j]);
            }
            if (hiding.HasMask)
            {
                for (int t = 0; t < d; t++)
                {
                    if (((maskWords[t >> 6] >> (t & 63)) & 1) != 0)
                    {
                        row[t] = -row[t];
                    }
                }
            }
        }
        return encoded;
    }

    /// <summary>Words of one image's mask: one bit per scalar, 64 per word (bit 1 negates the scalar).</summary>
    public static int MaskWords(int scalars) => (scalars + 63) / 64;

    /// <summary>
    /// Draws one encoding of every one of <paramref name="testCount"/> test images from <paramref name="prg"/>, image
    /// after image (<see cref="DrawImageEncoding"/>, one sampler for the encoding as the plaintext reference uses):
    /// what the dealer's test-encoding plan draws per encoding. <paramref name="lambda"/> holds N·K, <paramref name="partners"/>
    /// N·(K − 1) and <paramref name="maskWords"/> N·<see cref="MaskWords"/> (empty without a mask).
    /// </summary>
    public static void DrawEncoding(AesCtrPrg prg, TestEncodingOptions options, int testCount, int partnerCount,
        Span<double> lambda, Span<int> partners, Span<ulong> maskWords)
    {
        ArgumentNullException.ThrowIfNull(prg);
        ArgumentNullException.ThrowIfNull(options);
        int k = options.Hiding.SlotCount;
        int words = testCount == 0 ? 0 : maskWords.Length / testCount;
        if (lambda.Length != testCount * k || partners.Length != testCount * (k - 1) || maskWords.Length != testCount * words)
        {
            throw LearningError.InvalidArgument("The encoding's spans do not hold one row per test image.");
        }
        var sampler = new PrgSampler(prg);
        for (int i = 0; i < testCount; i++)
        {
            DrawImageEncoding(sampler, options, partnerCount, lambda.Slice(i * k, k), partners.Slice(i * (k - 1), k - 1), maskWords.Slice(i * words, words));
        }
    }

    /// <summary>
    /// Draws one test image's encoding in the order every encoder of it must follow (the plaintext reference here and
    /// Imguard.Dealer's TestEncodingPlan): the λ row (redrawn until λ₀ reaches the least own coefficient),
    /// the K − 1 partners uniform over <paramref name="partnerCount"/> images, then, in mode instahide, one PRG word
    /// per 64 scalars of mask bits.
    /// </summary>
    internal static void DrawImageEncoding(
        PrgSampler sampler, TestEncodingOptions options, int partnerCount, Span<double> lambda, Span<int> partners, Span<ulong> maskWords)
    {
        DrawRow(sampler, options.Hiding.UpperBound, options.OwnCoefficientMin, lambda);
        for (int j = 0; j < partners.Length; j++)
        {
            partners[j] = sampler.NextBelow(partnerCount);
        }
        for (int w = 0; w < maskWords.Length; w++)
        {
            maskWords[w] = sampler.Prg.NextUInt64();
        }
    }

    /// <summary>Predicted classes of the test images: the arg-max of the softmax averaged over T encodings (T = 0: clean).</summary>
    public static async Task<int[]> PredictAsync(
        Sequential<PlainTensor> model, LabeledImages test, LabeledImages partners, TestEncodingOptions options, AesCtrPrg prg,
        int batchSize = 500, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int n = test.Count, c = test.ClassCount;
        var averaged = new double[checked(n * c)];
        if (options.Encodings == 0)
        {
            await AccumulateAsync(model, Array.ConvertAll(test.Pixels, v => (double)v), test, averaged, softmax: false, batchSize, cancellationToken).ConfigureAwait(false);
        }
        for (int t = 0; t < options.Encodings; t++)
        {
            var encoded = EncodeOnce(test, partners, options, prg);
            await AccumulateAsync(model, encoded, test, averaged, softmax: true, batchSize, cancellationToken).ConfigureAwait(false);
        }
        var predicted = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < c; j++)
            {
                if (averaged[i * c + j] > averaged[i * c + best])
                {
                    best = j;
                }
            }
            predicted[i] = best;
        }
        return predicted;
    }

    /// <summary>The fraction of <paramref name="predicted"/> equal to the test labels.</summary>
    public static double Accuracy(IReadOnlyList<int> predicted, LabeledImages test)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(test);
        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            correct += predicted[i] == test.Labels[i] ? 1 : 0;
        }
        return test.Count == 0 ? 0 : (double)correct / test.Count;
    }

    private static void DrawRow(PrgSampler sampler, double upperBound, double ownMin, Span<double> lambda)
    {
        for (int attempt = 0; attempt < CoefficientSampler.MaxAttemptsPerRow; attempt++)
        {
            CoefficientSampler.DrawRow(sampler, upperBound, lambda);
            if (lambda[0] >= ownMin)
            {
                return;
            }
        }
        throw LearningError.InvalidArgument($"No λ row with an own coefficient of at least {ownMin} below the bound {upperBound} was found.");
    }

    private static void AddScaled(Span<double> destination, ReadOnlySpan<float> source, double factor)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] += factor * source[i];
        }
    }

    /// <summary>Adds each row's softmax (or, for the clean evaluation, its logits) to <paramref name="sum"/>.</summary>
    private static async Task AccumulateAsync(
        Sequential<PlainTensor> model, double[] inputs, LabeledImages shape, double[] sum, bool softmax, int batchSize, CancellationToken cancellationToken)
    {
        int n = shape.Count, d = shape.ImageSize, c = shape.ClassCount;
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            var x = new PlainTensor(inputs.AsSpan(start * d, count * d).ToArray(), count, shape.Channels, shape.Height, shape.Width);
            var logits = await model.ForwardAsync(PlainEngine.Instance, x, cancellationToken).ConfigureAwait(false);
            for (int r = 0; r < count; r++)
            {
                var row = logits.Data.AsSpan(r * c, c);
                var target = sum.AsSpan((start + r) * c, c);
                if (!softmax)
                {
                    for (int j = 0; j < c; j++) target[j] += row[j];
                    continue;
                }
                double max = double.NegativeInfinity, total = 0;
                foreach (double v in row) max = Math.Max(max, v);
                for (int j = 0; j < c; j++) total += Math.Exp(row[j] - max);
                for (int j = 0; j < c; j++) target[j] += Math.Exp(row[j] - max) / total;
            }
        }
    }
}

/// <summary>
/// How test images are encoded for "InstaHide in inference": the hiding mode, K and bound (normally the training
/// job's), the number of encodings T (0 = clean), and the least own coefficient λ₀ (0 = no constraint; it must stay
/// at most the bound).
/// </summary>
public sealed record TestEncodingOptions
{
    public TestEncodingOptions(InstaHideOptions hiding, int encodings, double ownCoefficientMin = 0)
    {
        ArgumentNullException.ThrowIfNull(hiding);
        ArgumentOutOfRangeException.ThrowIfNegative(encodings);
        if (encodings > 0 && hiding.Mode == HidingMode.Off)
        {
            throw LearningError.InvalidArgument("Test encodings need a hiding mode (mixup or instahide).");
        }
        if (ownCoefficientMin < 0 || ownCoefficientMin > hiding.UpperBound)
        {
            throw LearningError.InvalidArgument($"The least own coefficient must be between 0 and the bound {hiding.UpperBound}.");
        }
        Hiding = hiding;
        Encodings = encodings;
        OwnCoefficientMin = ownCoefficientMin;
    }

    public InstaHideOptions Hiding { get; }

    public int Encodings { get; }

    public double OwnCoefficientMin { get; }
}
