using Imguard.Learning.Hiding;
using static Imguard.Learning.Tests.Hiding.HidingTestSupport;

namespace Imguard.Learning.Tests.Hiding;

/// <summary>test-properties.md #6, #8, #12, #13, #16, #20 and the Off/Mixup modes: the encoder applies exactly the plan (spec.md §11).</summary>
public sealed class InstaHideEncoderTests
{
    [Fact]
    public void Index_encoding_dataset_shows_slot_zero_and_pixel_label_consistency()
    {
        // x_i = one-hot(i) and y_i = i with C = N: the mixed pixels of row i are Σ_j λ_ij e_{π_j(i)} and must equal
        // its soft label, which they only do if pixels and labels are mixed with the same partners.
        const int n = 12;
        var images = new float[n * n];
        var labels = Enumerable.Range(0, n).ToArray();
        for (int i = 0; i < n; i++)
        {
            images[i * n + i] = 1f;
        }
        using var plan = Draw(new InstaHideOptions(HidingMode.Mixup, 4), n, n, seed: 41);
        var encoded = new float[n * n];
        var soft = new float[n * n];
        InstaHideEncoder.Encode(plan, images, labels, n, encoded, soft);

        for (int i = 0; i < n; i++)
        {
            var expected = new double[n];
            var lambda = plan.CoefficientsOf(i);
            var partners = plan.PartnersOf(i);
            for (int j = 0; j < 4; j++)
            {
                expected[partners[j]] += lambda[j];
            }
            var row = encoded.AsSpan(i * n, n);
            for (int t = 0; t < n; t++)
            {
                Assert.Equal((float)expected[t], row[t]);
            }
            Assert.True(row[i] >= (float)lambda[0], "slot 0 carries the image itself with weight λ_i0");
            Assert.True(row.SequenceEqual(soft.AsSpan(i * n, n)), $"row {i}: pixels and label mixed with different partners");
        }
    }

    [Fact]
    public void The_mask_only_flips_signs_of_the_mixup_encoding_and_leaves_labels_alone()
    {
        // Masks are drawn after λ and partners, so one seed gives the same λ and partners in both modes.
        const int n = 300, d = 64, c = 10;
        var (images, labels) = RandomData(n, d, c, seed: 42);
        using var hidden = Draw(new InstaHideOptions(HidingMode.InstaHide), n, d, seed: 43);
        using var mixup = Draw(new InstaHideOptions(HidingMode.Mixup), n, d, seed: 43);
        Assert.True(hidden.Coefficients.SequenceEqual(mixup.Coefficients));
        Assert.True(hidden.Partners.SequenceEqual(mixup.Partners));

        var (encoded, soft) = Encode(hidden, images, labels, c);
        var (mixed, mixedSoft) = Encode(mixup, images, labels, c);

        long flipped = 0, nonzero = 0;
        for (int t = 0; t < n * d; t++)
        {
            Assert.Equal(Math.Abs(mixed[t]), Math.Abs(encoded[t]));          // |x̃| = |Σλx|
            Assert.Equal(mixed[t], hidden.Masks[t] * encoded[t]);              // σ ⊙ x̃ = Σλx, exactly
            if (mixed[t] != 0)
            {
                nonzero++;
                flipped += Math.Sign(mixed[t]) != Math.Sign(encoded[t]) ? 1 : 0;
            }
        }
        double fraction = flipped / (double)nonzero;
        Assert.True(Math.Abs(fraction - 0.5) <= 5 * 0.5 / Math.Sqrt(nonzero), $"sign changed on {fraction} of entries");
        Assert.Equal(mixedSoft, soft);
    }

    [Fact]
    public void Soft_labels_are_non_negative_sum_to_one_and_weigh_the_own_label_at_least_lambda_zero()
    {
        const int n = 2_000, d = 3, c = 10;
        var (images, labels) = RandomData(n, d, c, seed: 44);
        using var plan = Draw(InstaHideOptions.Default, n, d, seed: 45);
        var (_, soft) = Encode(plan, images, labels, c);
        for (int i = 0; i < n; i++)
        {
            var row = soft.AsSpan(i * c, c);
            foreach (float p in row)
            {
                Assert.True(p >= 0f);
            }
            double sum = 0;
            foreach (float p in row)
            {
                sum += p;
            }
            Assert.True(Math.Abs(sum - 1.0) <= 1e-6, $"soft label {i} sums to {sum}");
            Assert.True(row[labels[i]] >= (float)plan.CoefficientsOf(i)[0]);
        }
    }

    [Fact]
    public void Off_is_the_identity()
    {
        const int n = 50, d = 17, c = 5;
        var (images, labels) = RandomData(n, d, c, seed: 46);
        using var plan = Draw(InstaHideOptions.Off, n, d, seed: 47);
        Assert.Equal(1, plan.K);
        Assert.All(plan.Coefficients.ToArray(), lambda => Assert.Equal(1.0, lambda));
        Assert.Equal(Enumerable.Range(0, n), plan.Partners.ToArray());
        var (encoded, soft) = Encode(plan, images, labels, c);
        Assert.Equal(images, encoded);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < c; k++)
            {
                Assert.Equal(k == labels[i] ? 1f : 0f, soft[i * c + k]);
            }
        }
    }

    [Fact]
    public void Batches_in_plan_order_reproduce_the_whole_epoch_encoding_and_cover_every_row_once()
    {
        const int n = 103, d = 20, c = 4, batch = 16;
        var (images, labels) = RandomData(n, d, c, seed: 48);
        using var plan = Draw(InstaHideOptions.Default, n, d, seed: 49);
        var (encoded, soft) = Encode(plan, images, labels, c);

        Assert.Equal(7, plan.BatchCount(batch));
        var seen = new List<int>();
        for (int b = 0; b < plan.BatchCount(batch); b++)
        {
            var rows = plan.BatchRows(b, batch).ToArray();
            Assert.Equal(b < 6 ? batch : n - 6 * batch, rows.Length);
            var batchImages = new float[rows.Length * d];
            var batchSoft = new float[rows.Length * c];
            InstaHideEncoder.EncodeBatch(plan, images, labels, c, rows, batchImages, batchSoft);
            for (int r = 0; r < rows.Length; r++)
            {
                Assert.True(batchImages.AsSpan(r * d, d).SequenceEqual(encoded.AsSpan(rows[r] * d, d)));
                Assert.True(batchSoft.AsSpan(r * c, c).SequenceEqual(soft.AsSpan(rows[r] * c, c)));
            }
            seen.AddRange(rows);
        }
        Assert.Equal(Enumerable.Range(0, n), seen.Order());
    }

    [Fact]
    public void Double_and_float_encoders_agree_up_to_one_rounding()
    {
        const int n = 40, d = 30, c = 3;
        var (images, labels) = RandomData(n, d, c, seed: 50);
        using var plan = Draw(InstaHideOptions.Default, n, d, seed: 51);
        var (encoded, soft) = Encode(plan, images, labels, c);
        var encodedDouble = new double[n * d];
        var softDouble = new double[n * c];
        InstaHideEncoder.Encode(plan, images.Select(v => (double)v).ToArray(), labels, c, encodedDouble, softDouble);
        Assert.Equal(encoded, encodedDouble.Select(v => (float)v).ToArray());
        Assert.Equal(soft, softDouble.Select(v => (float)v).ToArray());
    }

    [Fact]
    public void The_encoder_never_writes_into_the_clean_data_and_is_deterministic_for_a_plan()
    {
        const int n = 60, d = 8, c = 3;
        var (images, labels) = RandomData(n, d, c, seed: 52);
        var imagesCopy = (float[])images.Clone();
        var labelsCopy = (int[])labels.Clone();
        using var plan = Draw(InstaHideOptions.Default, n, d, seed: 53);
        var first = Encode(plan, images, labels, c);
        var second = Encode(plan, images, labels, c);
        Assert.Equal(imagesCopy, images);
        Assert.Equal(labelsCopy, labels);
        Assert.Equal(first.Encoded, second.Encoded);
        using var nextEpoch = Draw(InstaHideOptions.Default, n, d, seed: 54);
        Assert.NotEqual(first.Encoded, Encode(nextEpoch, images, labels, c).Encoded);
    }

    [Fact]
    public void Bad_shapes_overlaps_labels_and_rows_are_rejected()
    {
        const int n = 10, d = 4, c = 3;
        var (images, labels) = RandomData(n, d, c, seed: 55);
        using var plan = Draw(InstaHideOptions.Default, n, d, seed: 56);
        var encoded = new float[n * d];
        var soft = new float[n * c];

        Assert.Throws<ArgumentException>(() => InstaHideEncoder.Encode(plan, images.AsSpan(1), labels, c, encoded, soft));
        Assert.Throws<ArgumentException>(() => InstaHideEncoder.Encode(plan, images, labels.AsSpan(1), c, encoded, soft));
        Assert.Throws<ArgumentException>(() => InstaHideEncoder.Encode(plan, images, labels, c, encoded.AsSpan(1), soft));
        Assert.Throws<ArgumentException>(() => InstaHideEncoder.Encode(plan, images, labels, c, encoded, soft.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => InstaHideEncoder.Encode(plan, images, labels, c, images, soft));
        var shared = new float[n * d + n * c];
        Assert.Throws<ArgumentException>(() => InstaHideEncoder.Encode(plan, images, labels, c, shared.AsSpan(0, n * d), shared.AsSpan(n * d - 1, n * c)));

        var badLabels = (int[])labels.Clone();
        badLabels[7] = c;
        var error = Assert.Throws<ArgumentException>(() => InstaHideEncoder.Encode(plan, images, badLabels, c, encoded, soft));
        Assert.DoesNotContain("7", error.Message, StringComparison.Ordinal);
        badLabels[7] = -1;
        Assert.Throws<ArgumentException>(() => InstaHideEncoder.Encode(plan, images, badLabels, c, encoded, soft));
        Assert.ThrowsAny<ArgumentException>(() => InstaHideEncoder.Encode(plan, images, labels, 0, encoded, soft));

        Assert.Throws<ArgumentOutOfRangeException>(() => InstaHideEncoder.EncodeBatch(plan, images, labels, c, [0, n], new float[2 * d], new float[2 * c]));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.BatchRows(plan.BatchCount(4), 4));
    }

    [Fact]
    public void A_disposed_plan_is_wiped_and_unusable()
    {
        var plan = Draw(InstaHideOptions.Default, 5, 3, seed: 57);
        plan.Dispose();
        Assert.Throws<ObjectDisposedException>(() => plan.Coefficients.Length);
        Assert.Throws<ObjectDisposedException>(() => plan.Masks.Length);
        Assert.Throws<ObjectDisposedException>(() => InstaHideEncoder.Encode(plan, new float[15], new int[5], 2, new float[15], new float[10]));
    }

    private static (float[] Images, int[] Labels) RandomData(int n, int d, int c, int seed)
    {
        // Zero-centred values, as after normalization (spec.md §2).
        var random = new Random(seed);
        var images = Enumerable.Range(0, n * d).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var labels = Enumerable.Range(0, n).Select(_ => random.Next(c)).ToArray();
        return (images, labels);
    }

    private static (float[] Encoded, float[] Soft) Encode(EpochHidingPlan plan, float[] images, int[] labels, int c)
    {
        var encoded = new float[images.Length];
        var soft = new float[plan.Count * c];
        InstaHideEncoder.Encode(plan, images, labels, c, encoded, soft);
        return (encoded, soft);
    }
}
