// What: all randomness of one InstaHide epoch (λ, partner permutations, sign masks, batch order), drawn apart from applying it.
// Source: spec.md §3 (λ), §4a (partners: slot 0 = self, one independent uniform permutation per slot j ≥ 1),
// §6 (i.i.d. ±1 mask per scalar, fresh every epoch), §7 (encode the whole set, then shuffle into batches), §11.
using System.Security.Cryptography;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Hiding;

/// <summary>
/// The one-time key of one epoch for N images of D scalars (spec.md §6: "λ, partners, mask ... are all fresh each
/// epoch"). <see cref="InstaHideEncoder"/> applies it to plaintext; the secure encoder applies the same plan to shares.
/// </summary>
/// <remarks>
/// <para>Layout (all row-major): <see cref="Coefficients"/> N×K, row i = λ_i (spec.md §3); <see cref="Partners"/> N×K,
/// Partners[i·K + 0] = i and column j ≥ 1 is π_j, an independent uniform permutation of 0..N−1 (spec.md §4a; partners may
/// repeat within a row or equal i, as in R1); <see cref="Masks"/> N×D entries ±1, empty unless the mode is InstaHide
/// (spec.md §6); <see cref="Order"/> a uniform permutation of 0..N−1, the order in which training visits the encoded set
/// (spec.md §7 step 2). Mode Off: K = 1, λ = [1], Partners[i] = i, no mask.</para>
/// <para>PRG consumption order, so that a plan is reproducible from a seed: (1) λ rows i = 0..N−1 (Marsaglia polar
/// normals from 53-bit doubles; rejected rows redrawn whole); (2) π_1..π_{K−1} (Fisher–Yates, i = N−1..1, unbiased
/// bounded integers); (3) mask bits, bit b of word w → scalar 64w + b of the row-major N×D mask, 1 → +1, 0 → −1;
/// (4) <see cref="Order"/> (Fisher–Yates). λ uses Math.Log; its last bit is only guaranteed identical on the same
/// runtime and platform, so ship a drawn plan rather than re-deriving it elsewhere from the seed.</para>
/// <para>The plan is key material: <see cref="Dispose"/> wipes it and makes later reads throw.</para>
/// </remarks>
public sealed class EpochHidingPlan : IDisposable
{
    private readonly double[] _coefficients;
    private readonly int[] _partners;
    private readonly sbyte[] _masks;
    private readonly int[] _order;
    private bool _disposed;

    private EpochHidingPlan(HidingMode mode, int count, int scalarsPerImage, int slotCount, double[] coefficients, int[] partners, sbyte[] masks, int[] order, long coefficientDraws)
    {
        Mode = mode;
        Count = count;
        ScalarsPerImage = scalarsPerImage;
        K = slotCount;
        _coefficients = coefficients;
        _partners = partners;
        _masks = masks;
        _order = order;
        CoefficientDraws = coefficientDraws;
    }

    public HidingMode Mode { get; }

    /// <summary>N, the number of images in the epoch.</summary>
    public int Count { get; }

    /// <summary>D, scalars per image (C·H·W).</summary>
    public int ScalarsPerImage { get; }

    /// <summary>Slots per encoding: <see cref="InstaHideOptions.SlotCount"/> (1 for Off).</summary>
    public int K { get; }

    /// <summary>Whether <see cref="Masks"/> holds a mask (mode InstaHide only).</summary>
    public bool HasMask => Mode == HidingMode.InstaHide;

    /// <summary>λ, N×K row-major; every row is on the simplex with max ≤ UpperBound (spec.md §3).</summary>
    public ReadOnlySpan<double> Coefficients => Live(_coefficients);

    /// <summary>Partner indices, N×K row-major; [i·K] = i, column j ≥ 1 = π_j (spec.md §4a).</summary>
    public ReadOnlySpan<int> Partners => Live(_partners);

    /// <summary>Signs σ, N×D row-major, each ±1 (spec.md §6); empty when <see cref="HasMask"/> is false.</summary>
    public ReadOnlySpan<sbyte> Masks => Live(_masks);

    /// <summary>The epoch's visiting order of the encoded rows, a uniform permutation of 0..N−1 (spec.md §7 step 2).</summary>
    public ReadOnlySpan<int> Order => Live(_order);

    /// <summary>Total λ rows drawn including rejected ones (acceptance rate = N / this; spec.md §3 reports 0.928 for K = 4).</summary>
    internal long CoefficientDraws { get; }

    /// <summary>λ_i, the K coefficients of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> CoefficientsOf(int row) => Coefficients.Slice(CheckRow(row) * K, K);

    /// <summary>(π_0(i), …, π_{K−1}(i)) for row <paramref name="row"/>; the first entry is the row itself.</summary>
    public ReadOnlySpan<int> PartnersOf(int row) => Partners.Slice(CheckRow(row) * K, K);

    /// <summary>σ_i (D signs), or an empty span when the plan has no mask.</summary>
    public ReadOnlySpan<sbyte> MaskOf(int row)
    {
        CheckRow(row);
        return HasMask ? Masks.Slice(row * ScalarsPerImage, ScalarsPerImage) : [];
    }

    /// <summary>Number of batches of at most <paramref name="batchSize"/> rows (the last may be short, as in R1).</summary>
    public int BatchCount(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return (int)(((long)Count + batchSize - 1) / batchSize);
    }

    /// <summary>The encoded-row indices of batch <paramref name="batchIndex"/>: a chunk of <see cref="Order"/> (spec.md §7 step 2).</summary>
    public ReadOnlySpan<int> BatchRows(int batchIndex, int batchSize)
    {
        int batches = BatchCount(batchSize);
        if ((uint)batchIndex >= (uint)batches)
        {
            throw LearningError.IndexOutOfRange(nameof(batchIndex), batches);
        }
        int start = batchIndex * batchSize;
        return Order.Slice(start, Math.Min(batchSize, Count - start));
    }

    /// <summary>
    /// Draws the randomness of one epoch (spec.md §11, first three lines, plus the batch order of §7).
    /// Call once per epoch with the same PRG to get a fresh key each epoch (spec.md §6).
    /// </summary>
    /// <param name="options">Mode, K and upper bound.</param>
    /// <param name="count">N ≥ 1 images.</param>
    /// <param name="scalarsPerImage">D ≥ 1 scalars per image.</param>
    /// <param name="prg">Randomness; seed it from <see cref="Seed.Random"/> outside tests.</param>
    public static EpochHidingPlan Draw(InstaHideOptions options, int count, int scalarsPerImage, AesCtrPrg prg)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(prg);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scalarsPerImage);
        int k = options.SlotCount;
        if ((long)count * k > Array.MaxLength)
        {
            throw LearningError.InvalidArgument($"{count} images × K = {k} coefficients exceed the largest array.");
        }
        if (options.HasMask && (long)count * scalarsPerImage > Array.MaxLength)
        {
            throw LearningError.InvalidArgument($"A mask of {count} × {scalarsPerImage} signs exceeds the largest array.");
        }
        return DrawCore(options, count, scalarsPerImage, k, new PrgSampler(prg));
    }

    private static EpochHidingPlan DrawCore(InstaHideOptions options, int count, int scalarsPerImage, int k, PrgSampler sampler)
    {
        // (1) λ, one row per image (spec.md §3).
        var coefficients = new double[count * k];
        long draws = 0;
        for (int i = 0; i < count; i++)
        {
            draws += CoefficientSampler.DrawRow(sampler, options.UpperBound, coefficients.AsSpan(i * k, k));
        }

        // (2) Partners: slot 0 = self; slot j ≥ 1 = an independent uniform permutation π_j (spec.md §4a, R1 L121-128).
        var partners = new int[count * k];
        var permutation = new int[count];
        for (int i = 0; i < count; i++)
        {
            partners[i * k] = i;
        }
        for (int j = 1; j < k; j++)
        {
            sampler.Permutation(permutation);
            for (int i = 0; i < count; i++)
            {
                partners[i * k + j] = permutation[i];
            }
        }

        // (3) σ: one fair, independent sign per scalar of every image (spec.md §6, R1 L130-132).
        sbyte[] masks = options.HasMask ? DrawMasks(sampler, count * scalarsPerImage) : [];

        // (4) The order in which the encoded set is visited in batches (spec.md §7 step 2).
        var order = new int[count];
        sampler.Permutation(order);

        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(permutation.AsSpan()));
        return new EpochHidingPlan(options.Mode, count, scalarsPerImage, k, coefficients, partners, masks, order, draws);
    }

    private static sbyte[] DrawMasks(PrgSampler sampler, int length)
    {
        var masks = new sbyte[length];
        Span<ulong> words = stackalloc ulong[256];
        int position = 0;
        while (position < length)
        {
            int wordCount = Math.Min(words.Length, (length - position + 63) / 64);
            sampler.Prg.Fill(words[..wordCount]);
            for (int w = 0; w < wordCount; w++)
            {
                ulong bits = words[w];
                int end = Math.Min(position + 64, length);
                for (; position < end; position++)
                {
                    masks[position] = (sbyte)(((int)(bits & 1) << 1) - 1); // bit 1 → +1, bit 0 → −1 (randint(2)·2 − 1)
                    bits >>= 1;
                }
            }
        }
        words.Clear();
        return masks;
    }

    /// <summary>Wipes λ, partners, masks and order (the key is discarded after the epoch, spec.md §6).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Array.Clear(_coefficients);
        Array.Clear(_partners);
        Array.Clear(_masks);
        Array.Clear(_order);
    }

    private ReadOnlySpan<T> Live<T>(T[] array)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return array;
    }

    private int CheckRow(int row)
    {
        if ((uint)row >= (uint)Count)
        {
            throw LearningError.IndexOutOfRange(nameof(row), Count);
        }
        return row;
    }
}
