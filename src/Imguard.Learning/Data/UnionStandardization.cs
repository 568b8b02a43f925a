using Imguard.Mpc.Encoding;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Data;

/// <summary>
/// One standardisation for a union of several owners' datasets, on shares (issue 17, item 3; docs/multi-owner.md, "One
/// standardisation for the union"). Every dataset arrives raw (x/255) or standardised with statistics its owner
/// disclosed (z = (x/255 − m)/s, public m and s per channel; <see cref="ScaledRows"/>). The parties
/// (a) map each disclosed dataset back to raw scale, x = z·s + m (a public scale and shift);
/// (b) compute Σx and Σx² per channel over every training value and open only those 2·C numbers;
/// (c) take μ = Σx/n and σ = √(Σx²/n − μ²) in plaintext, refusing a constant channel; and
/// (d) map every training and test value to (x − μ)/σ, composed with (a) for a disclosed dataset:
/// z' = z·(s/σ) + (m − μ)/σ, one public scale, one truncation, one public shift.
/// </summary>
/// <remarks>
/// <para><b>Exactness.</b> Σx of raw values is a sum of ring values (exact). Σx² is a sum of diagonal entries of one
/// Beaver matrix product X·Xᵀ per batch (X: each channel's values of the batch in <see cref="RowsPerChannel"/> rows) at
/// scale 2f, accumulated in the ring without
/// any truncation and opened once: exact on the encoded values as long as Σx̃² &lt; 2^63, i.e. n·(B·2^f + 1)² &lt; 2^63
/// for n values per channel of magnitude at most B = <see cref="MaxMagnitude"/> (raw pixels lie in [0, 1]; the margin
/// covers a disclosed dataset's rounding). <see cref="MaxValuesPerChannel"/> is that bound (about 1.9·10⁹ at f = 16:
/// 2.4 million images of 28×28; Fashion-MNIST's 60,000 are 4.7·10⁷) and a larger union is refused before anything is
/// computed. The variance is taken from the exact integers, n·Σx̃² − (Σx̃)², so a constant channel gives exactly 0. A
/// union of raw datasets therefore gives bit-identical statistics in every attempt. A disclosed dataset's values are
/// mapped back with one stochastic truncation each (error below 2^−f per value plus |z|·2^−(P+1) from rounding s to P
/// bits, unbiased), so its share in the sums may differ in the last bits between attempts: the party keeps the first
/// attempt's statistics and reuses them when both parties hold the same.</para>
/// <para><b>Standardised values.</b> |z' − (z·s + m − μ)/σ| &lt; 1.5·2^−f + |z|·2^−(P+1) on the encoded input (one
/// truncation, the shift's rounding, the scale's rounding), with P = <see cref="ScaleBits"/> extra bits for the scale
/// (f + 8, fewer where the product would leave the truncation's range |·| &lt; 2^62; a scale that cannot fit is refused).</para>
/// <para><b>Cost</b> for N training rows (N_d of them disclosed), T test rows, D = C·H·W values a row, batches of at most
/// <see cref="BatchValues"/> values: statistics — per batch one matrix product (1 round, 2·C·R·⌈M/R⌉ ≈ 2·B·D words each
/// way for B rows, M = B·H·W values per channel, R = <see cref="RowsPerChannel"/>; the dealer sends only the C·R × C·R
/// product share, (C·R)² words, as A and B come from the parties' seeds) and, in a batch
/// with disclosed rows, one truncation of their values (1 round, N_d·D words each way in all, dealer 2·N_d·D words);
/// then one opening of 2·C words (1 round). Standardisation — one truncation of every value (1 round per batch,
/// (N + T)·D words each way, dealer 2·(N + T)·D words). In all (M a multiple of R): 2·N·D + N_d·D + (N + T)·D + 2·C words
/// each way, 2·(N_d + N + T)·D + (C·R)²·⌈N·D/BatchValues⌉ dealer words, ⌈N·D/BatchValues⌉·(1 or 2) + 1 + ⌈N·D/BatchValues⌉ + ⌈T·D/BatchValues⌉ rounds.</para>
/// <para><b>What is opened:</b> the 2·C sums over the whole union, nothing per owner, per batch or per image; every
/// other opening is of values under fresh dealer masks (the matrix product's X − A, Xᵀ − B; the truncations' x + r).</para>
/// </remarks>
public static class UnionStandardization
{
    /// <summary>The bound B on |x| of a raw-scaled value the exact sums assume (pixels x/255 lie in [0, 1]).</summary>
    public const double MaxMagnitude = 1.0625;

    /// <summary>Values (rows × D) per batch of the matrix products and truncations: bounds the memory and each dealer item.</summary>
    public const int BatchValues = 1 << 20;

    /// <summary>
    /// R: the rows each channel's values of a batch are laid out in for the Σx² product (X is C·R × ⌈M/R⌉), so that C·R
    /// is close to the ring GEMM's 16-column panel: with C rows alone, a C × M by M × C product is padded to a full
    /// panel over the whole depth M, 16/C times the work. The extra off-diagonal entries are never opened.
    /// </summary>
    public static int RowsPerChannel(int channels) => Math.Max(1, 16 / channels);

    /// <summary>
    /// The most values per channel whose Σx² stays exact in the 64-bit ring at <paramref name="format"/>'s precision:
    /// the largest n with n·(B·2^f + 1)² &lt; 2^63.
    /// </summary>
    public static long MaxValuesPerChannel(FixedPointFormat format)
    {
        double largest = MaxMagnitude * format.Scale + 1;
        return (long)Math.Min(long.MaxValue, Math.Floor(Math.ScaleB(1.0, 63) / (largest * largest)));
    }

    /// <summary>
    /// The extra fractional bits P of a public scale k applied to values z with |z·k| ≤ <paramref name="product"/>:
    /// f + 8 (the scale's rounding then costs at most |z|·2^−(f+9)), at most 40 (the truncation's limit) and few enough
    /// that the product stays below 2^61 in the ring; 0 when not even one bit fits.
    /// </summary>
    public static int ScaleBits(FixedPointFormat format, double product)
    {
        int room = (int)Math.Floor(61 - format.FractionalBits - Math.Log2(Math.Max(product, 1e-300)));
        return Math.Max(0, Math.Min(Math.Min(format.FractionalBits + 8, 40), room));
    }

    /// <summary>
    /// Steps (a)–(c): the union's per-channel mean and standard deviation over every row of <paramref name="images"/>
    /// (this party's shares, [N, C·H·W] channel-major), of which <paramref name="rows"/> say how each run was scaled.
    /// Opens Σx and Σx² per channel, nothing else.
    /// </summary>
    /// <exception cref="ArgumentException">The runs do not cover the rows in order, a disclosed run's channels differ, the
    /// union exceeds <see cref="MaxValuesPerChannel"/>, or a channel is constant over the union.</exception>
    public static async ValueTask<UnionStatistics> ComputeStatisticsAsync(PartyContext ctx, SharedTensor images, int channels, IReadOnlyList<ScaledRows> rows,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var (n, d) = CheckLayout(ctx, images, channels, rows);
        int area = d / channels;
        long valuesPerChannel = (long)n * area;
        long limit = MaxValuesPerChannel(ctx.Format);
        if (valuesPerChannel > limit)
        {
            throw LearningError.InvalidArgument($"The union holds {valuesPerChannel} values per channel; its Σx² stays exact in the 64-bit ring for at most {limit} "
                + $"at {ctx.Format.FractionalBits} fractional bits (values of magnitude up to {MaxMagnitude}).");
        }
        // Step (a)'s scales: x = z·s + m, so |z·s| ≤ B + |m|.
        var back = rows.Select(r => r.Disclosed is { } s ? MapBack(ctx.Format, s) : null).ToArray();
        return await ComputeStatisticsCoreAsync(ctx, images, channels, rows, back, n, d, valuesPerChannel, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Step (d): every row of <paramref name="images"/> (this party's shares, [N, C·H·W]) mapped to (x − μ)/σ with the
    /// union's <paramref name="union"/> statistics, a disclosed run through its own statistics first (composed into one
    /// scale and shift). Returns new shares; <paramref name="images"/> is left as it is.
    /// </summary>
    /// <exception cref="ArgumentException">The runs do not cover the rows in order, the channels differ, or a scale is too
    /// large for the fixed-point range (a channel that varies too little to standardise at this precision).</exception>
    public static async ValueTask<SharedTensor> StandardizeAsync(PartyContext ctx, SharedTensor images, int channels, IReadOnlyList<ScaledRows> rows,
        Standardization union, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(union);
        var (n, d) = CheckLayout(ctx, images, channels, rows);
        if (union.Channels != channels)
        {
            throw LearningError.ShapeMismatch("union statistics (per channel)", [channels], [union.Channels]);
        }
        var maps = rows.Select(r => Compose(ctx.Format, union, r.Disclosed)).ToArray();
        var destination = new ulong[images.Length];
        await MapAsync(ctx, images.Share.Data, destination, d / channels, channels, rows, maps, n, d, cancellationToken).ConfigureAwait(false);
        return new SharedTensor(ctx.PartyId, new RingTensor(destination, images.Shape.ToArray()), ctx.Format);
    }

    private static async ValueTask<UnionStatistics> ComputeStatisticsCoreAsync(PartyContext ctx, SharedTensor images, int channels, IReadOnlyList<ScaledRows> rows,
        AffineMap?[] back, int n, int d, long valuesPerChannel, CancellationToken cancellationToken)
    {
        int area = d / channels;
        int batchRows = Math.Max(1, BatchValues / d);
        var sums = new ulong[channels];
        var squares = new ulong[channels];
        ulong[] source = images.Share.Data;
        for (int first = 0; first < n; first += batchRows)
        {
            int count = Math.Min(batchRows, n - first), values = count * area;
            var raw = new ulong[count * d];
            Array.Copy(source, (long)first * d, raw, 0, raw.Length);
            // (a) a disclosed run's rows back to raw scale, all of the batch's in one truncation.
            if (HasDisclosed(rows, back, first, count))
            {
                await MapAsync(ctx, source.AsMemory(first * d, count * d), raw, area, channels, Shift(rows, first), back, count, d, cancellationToken)
                    .ConfigureAwait(false);
            }
            // X: R rows of L = ⌈M/R⌉ of the batch's values per channel (zero-padded: shares of 0), C·R rows in all; Xᵀ
            // beside it (local rearrangements of this party's shares). R rows per channel fill the GEMM kernel's panel.
            int split = RowsPerChannel(channels), length = (values + split - 1) / split, height = channels * split;
            var x = new ulong[height * length];
            for (int r = 0; r < count; r++)
            {
                for (int c = 0; c < channels; c++)
                {
                    int at = r * area;   // the value's index within its channel in this batch: row at / L, column at % L of channel c's block
                    raw.AsSpan(r * d + c * area, area).CopyTo(x.AsSpan(c * split * length + at, area));
                }
            }
            var xt = new ulong[length * height];
            RingOps.Transpose(x, xt, height, length);
            for (int c = 0; c < channels; c++)
            {
                sums[c] = unchecked(sums[c] + Sum(x.AsSpan(c * split * length, split * length)));   // Σx: local, exact
            }
            // Σx² = Σ of channel c's diagonal entries of X·Xᵀ at scale 2f, untruncated: 1 round, 2·C·R·L words each way; dealer (C·R)² words.
            SharedTensor gram = await Beaver.MatMulRawAsync(ctx,
                new SharedTensor(ctx.PartyId, new RingTensor(x, height, length), ctx.Format),
                new SharedTensor(ctx.PartyId, new RingTensor(xt, length, height), ctx.Format), cancellationToken).ConfigureAwait(false);
            for (int row = 0; row < height; row++)
            {
                int c = row / split;
                squares[c] = unchecked(squares[c] + gram.Share.Span[row * height + row]);
            }
            Array.Clear(raw);
            Array.Clear(x);
            Array.Clear(xt);
            Array.Clear(gram.Share.Data);
        }
        // The one opening: Σx (scale f) and Σx² (scale 2f) per channel, together: 1 round, 2·C words each way.
        RingTensor opened = await Reveal.ToBothAsync(ctx, new SharedTensor(ctx.PartyId, new RingTensor([.. sums, .. squares], 2 * channels), ctx.Format),
            cancellationToken).ConfigureAwait(false);
        return Statistics(ctx.Format, opened.Span, channels, valuesPerChannel);
    }

    /// <summary>(c) μ and σ from the exact opened integers: σ²·n²·2^(2f) = n·Σx̃² − (Σx̃)², exactly 0 for a constant channel.</summary>
    private static UnionStatistics Statistics(FixedPointFormat format, ReadOnlySpan<ulong> opened, int channels, long n)
    {
        var mean = new double[channels];
        var std = new double[channels];
        double scale = n * format.Scale;
        for (int c = 0; c < channels; c++)
        {
            long sum = unchecked((long)opened[c]);
            long squares = unchecked((long)opened[channels + c]);
            Int128 spread = (Int128)n * squares - (Int128)sum * sum;
            if (squares < 0 || spread < 0)
            {
                throw LearningError.InvalidData($"Channel {c}'s sums over the union are not those of values of magnitude up to {MaxMagnitude}: "
                    + "a dataset's shared values are not raw-scaled pixels.");
            }
            if (spread == 0)
            {
                throw LearningError.InvalidArgument($"Channel {c} is constant over the union: it cannot be standardised.");
            }
            mean[c] = sum / scale;
            std[c] = Math.Sqrt((double)spread) / scale;
        }
        return new UnionStatistics(new Standardization(mean, std), n);
    }

    /// <summary>Per-channel integer scale K = round(k·2^P), its P and the shift M = encode(shift): y = trunc_P(z̃·K) + M.</summary>
    private sealed record AffineMap(ulong[] Scale, int Bits, ulong[] Shift);

    /// <summary>(a) x = z·s + m.</summary>
    private static AffineMap MapBack(FixedPointFormat format, Standardization disclosed)
    {
        double product = disclosed.Mean.Max(m => MaxMagnitude + Math.Abs(m));   // |z·s| = |x − m|
        return Map(format, disclosed.Std, disclosed.Mean, product, "a disclosed dataset's statistics");
    }

    /// <summary>(d) (x − μ)/σ, or for a disclosed run z·(s/σ) + (m − μ)/σ.</summary>
    private static AffineMap Compose(FixedPointFormat format, Standardization union, Standardization? disclosed)
    {
        int channels = union.Channels;
        var scale = new double[channels];
        var shift = new double[channels];
        double product = 0;
        for (int c = 0; c < channels; c++)
        {
            double s = disclosed?.Std[c] ?? 1, m = disclosed?.Mean[c] ?? 0;
            scale[c] = s / union.Std[c];
            shift[c] = (m - union.Mean[c]) / union.Std[c];
            product = Math.Max(product, (MaxMagnitude + Math.Abs(m)) / union.Std[c]);   // |z·s/σ| = |x − m|/σ
        }
        return Map(format, scale, shift, product, "the union's statistics (a channel varies too little to standardise at this precision)");
    }

    private static AffineMap Map(FixedPointFormat format, double[] scale, double[] shift, double product, string what)
    {
        int bits = ScaleBits(format, product);
        if (bits < 1 || !double.IsFinite(product) || scale.Any(v => !(Math.Abs(Math.ScaleB(v, bits)) < Math.ScaleB(1.0, 62))))
        {
            throw LearningError.InvalidArgument($"The scale of {what} does not fit the fixed-point range at {format.FractionalBits} fractional bits.");
        }
        ulong[] k = [.. scale.Select(v => unchecked((ulong)(long)Math.Round(Math.ScaleB(v, bits), MidpointRounding.ToEven)))];
        return new AffineMap(k, bits, format.Encode(shift));
    }

    /// <summary>
    /// destination[rows of a mapped run] = trunc_P(source·K) + M, by batches of <see cref="BatchValues"/>: 1 round and
    /// its values' words each way per batch (one truncation). Rows of a run without a map are left as they are.
    /// </summary>
    private static async ValueTask MapAsync(PartyContext ctx, ReadOnlyMemory<ulong> source, ulong[] destination, int area, int channels,
        IReadOnlyList<ScaledRows> rows, AffineMap?[] maps, int n, int d, CancellationToken cancellationToken)
    {
        int batchRows = Math.Max(1, BatchValues / d);
        for (int first = 0; first < n; first += batchRows)
        {
            int count = Math.Min(batchRows, n - first);
            // One truncation per P in the batch (a single one unless runs needed different precisions).
            foreach (int bits in Enumerable.Range(0, rows.Count).Where(p => maps[p] is not null && Overlaps(rows[p], first, count)).Select(p => maps[p]!.Bits).Distinct())
            {
                var products = new List<(int Row, int Run)>();
                for (int r = first; r < first + count; r++)
                {
                    int run = RunOf(rows, r);
                    if (maps[run] is { } map && map.Bits == bits)
                    {
                        products.Add((r, run));
                    }
                }
                var scaled = new ulong[products.Count * d];
                for (int i = 0; i < products.Count; i++)
                {
                    var (row, run) = products[i];
                    for (int c = 0; c < channels; c++)
                    {
                        RingOps.MultiplyScalar(source.Span.Slice(row * d + c * area, area), maps[run]!.Scale[c], scaled.AsSpan(i * d + c * area, area));
                    }
                }
                SharedTensor truncated = await Truncation.TruncateAsync(ctx, new SharedTensor(ctx.PartyId, new RingTensor(scaled, scaled.Length), ctx.Format), bits,
                    cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < products.Count; i++)
                {
                    var (row, run) = products[i];
                    Span<ulong> target = destination.AsSpan(row * d, d);
                    truncated.Share.Span.Slice(i * d, d).CopyTo(target);
                    if (ctx.PartyId == 0)
                    {
                        for (int c = 0; c < channels; c++)
                        {
                            RingOps.AddScalar(target.Slice(c * area, area), maps[run]!.Shift[c], target.Slice(c * area, area));   // + M, once
                        }
                    }
                }
                Array.Clear(scaled);
                Array.Clear(truncated.Share.Data);
            }
        }
    }

    private static ulong Sum(ReadOnlySpan<ulong> values)
    {
        ulong total = 0;
        foreach (ulong v in values)
        {
            total = unchecked(total + v);
        }
        return total;
    }

    private static bool Overlaps(ScaledRows run, int first, int count) => run.Start < first + count && first < run.Start + run.Count;

    private static bool HasDisclosed(IReadOnlyList<ScaledRows> rows, AffineMap?[] maps, int first, int count) =>
        Enumerable.Range(0, rows.Count).Any(p => maps[p] is not null && Overlaps(rows[p], first, count));

    /// <summary>The runs moved so that row <paramref name="first"/> is row 0 (for a batch's slice of the matrix).</summary>
    private static ScaledRows[] Shift(IReadOnlyList<ScaledRows> rows, int first) => [.. rows.Select(r => r with { Start = r.Start - first })];

    private static int RunOf(IReadOnlyList<ScaledRows> rows, int row)
    {
        for (int p = 0; p < rows.Count; p++)
        {
            if (row >= rows[p].Start && row < rows[p].Start + rows[p].Count)
            {
                return p;
            }
        }
        throw LearningError.IndexOutOfRange(nameof(row), rows.Count);
    }

    /// <summary>Rows [N, D] with D a multiple of C; the runs cover 0..N in order; a disclosed run has C channels.</summary>
    private static (int Rows, int Width) CheckLayout(PartyContext ctx, SharedTensor images, int channels, IReadOnlyList<ScaledRows> rows)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (images.Shape.Length != 2 || images.Shape[0] < 1 || images.Shape[1] % channels != 0)
        {
            throw LearningError.InvalidArgument($"Images are shared as [rows, C·H·W] with C = {channels} and at least one row; got [{string.Join(", ", images.Shape.ToArray())}].");
        }
        if (images.Format != ctx.Format || images.PartyId != ctx.PartyId)
        {
            throw LearningError.InvalidArgument($"The images are party {images.PartyId}'s at {images.Format.FractionalBits} fractional bits; "
                + $"this is party {ctx.PartyId} at {ctx.Format.FractionalBits}.");
        }
        int next = 0;
        foreach (ScaledRows run in rows)
        {
            if (run is null || run.Start != next || run.Count < 1)
            {
                throw LearningError.InvalidArgument("The runs of rows must cover the images in order, each at least one row, without gaps or overlaps.");
            }
            if (run.Disclosed is { } disclosed && disclosed.Channels != channels)
            {
                throw LearningError.ShapeMismatch("a disclosed dataset's statistics (per channel)", [channels], [disclosed.Channels]);
            }
            next += run.Count;
        }
        if (next != images.Shape[0])
        {
            throw LearningError.LengthMismatch("rows covered by the runs", images.Shape[0], next);
        }
        return (images.Shape[0], images.Shape[1]);
    }
}
