// What: the dealer's secret draw of "InstaHide in inference" — T encodings of every test image.
// Source: spec.md §7 "Test time"; drawn in InstaHideInference.EncodeOnce's order so that the plaintext reference, given
// the same PRG, computes exactly what the secure encoding reconstructs to.
using Imguard.Learning.Hiding;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Randomness;

namespace Imguard.Dealer.Hiding;

/// <summary>
/// The dealer's key for "InstaHide in inference": for each of T encodings and each of N test images, its λ row, its
/// K − 1 partners (indices into the P partner images, normally the training set) and, in mode instahide, its ±1 mask.
/// The rows a secure encoding mixes come from one table, the N test images followed by the P partners; the
/// partner indices are public to the parties (as in training, <see cref="HidingEpoch"/>), λ and the mask are not:
/// <see cref="BatchMessage"/> deals them as shares of c = σ·λ for <see cref="RowMixing"/>. Wiped on dispose.
/// </summary>
public sealed class TestEncodingPlan : IDisposable
{
    private readonly double[] _lambda;      // T × N × K
    private readonly int[] _partners;       // T × N × (K − 1), indices into the partner images
    private readonly ulong[] _masks;        // T × N × ⌈D/64⌉ bits (1 = negate), empty without a mask

    private TestEncodingPlan(TestEncodingOptions options, int testCount, int partnerCount, int scalars)
    {
        Options = options;
        TestCount = testCount;
        PartnerCount = partnerCount;
        Scalars = scalars;
        int k = options.Hiding.SlotCount;
        _lambda = new double[checked(options.Encodings * testCount * k)];
        _partners = new int[checked(options.Encodings * testCount * (k - 1))];
        _masks = new ulong[options.Hiding.HasMask ? checked(options.Encodings * testCount * InstaHideInference.MaskWords(scalars)) : 0];
    }

    public TestEncodingOptions Options { get; }

    public int TestCount { get; }

    public int PartnerCount { get; }

    /// <summary>D, scalars per image.</summary>
    public int Scalars { get; }

    public int K => Options.Hiding.SlotCount;

    /// <summary>Rows of the mixing table: the test images, then the partner images.</summary>
    public int TableRows => TestCount + PartnerCount;

    /// <summary>Draws all T encodings from <paramref name="prg"/>, encoding after encoding, as the plaintext reference does.</summary>
    public static TestEncodingPlan Draw(TestEncodingOptions options, int testCount, int partnerCount, int scalars, AesCtrPrg prg)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(prg);
        if (options.Encodings < 1)
        {
            throw DealerError.InvalidArgument("A test-encoding plan needs at least one encoding.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partnerCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scalars);
        var plan = new TestEncodingPlan(options, testCount, partnerCount, scalars);
        int k = plan.K, words = options.Hiding.HasMask ? InstaHideInference.MaskWords(scalars) : 0;
        for (int t = 0; t < options.Encodings; t++)
        {
            // One sampler per encoding, as EncodeOnce.
            InstaHideInference.DrawEncoding(prg, options, testCount, partnerCount,
                plan._lambda.AsSpan(t * testCount * k, testCount * k), plan._partners.AsSpan(t * testCount * (k - 1), testCount * (k - 1)),
                plan._masks.AsSpan(t * testCount * words, testCount * words));
        }
        return plan;
    }

    /// <summary>Batches of <paramref name="batchSize"/> test images per encoding (the last may be short).</summary>
    public int BatchesPerEncoding(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return (TestCount + batchSize - 1) / batchSize;
    }

    /// <summary>
    /// The public part of a batch: for each of its test images the K table rows it mixes (slot 0 the image itself,
    /// row i; then its partners, rows N + p).
    /// </summary>
    public int[] BatchTableRows(int encoding, int batch, int batchSize)
    {
        var (start, count) = Range(encoding, batch, batchSize);
        int k = K;
        var rows = new int[count * k];
        for (int r = 0; r < count; r++)
        {
            int i = start + r;
            rows[r * k] = i;
            var partners = _partners.AsSpan((encoding * TestCount + i) * (k - 1), k - 1);
            for (int j = 1; j < k; j++)
            {
                rows[r * k + j] = TestCount + partners[j - 1];
            }
        }
        return rows;
    }

    /// <summary>
    /// Party 1's share of batch <paramref name="batch"/> of encoding <paramref name="encoding"/>: the coefficients
    /// c_ij = σ_i·λ_ij per scalar and the offsets for <see cref="RowMixing"/>, on the table opened under
    /// <paramref name="scope"/>. Party 0 expands its half from its seed. Batch ids run encoding by encoding.
    /// </summary>
    public ulong[] BatchMessage(Seed seed0, Seed seed1, int scope, int encoding, int batch, int batchSize, FixedPointFormat format)
    {
        var (start, count) = Range(encoding, batch, batchSize);
        int k = K, d = Scalars, words = Options.Hiding.HasMask ? InstaHideInference.MaskWords(d) : 0;
        var coefficients = new ulong[checked(count * k * d)];
        try
        {
            for (int r = 0; r < count; r++)
            {
                long at = (long)encoding * TestCount + start + r;
                var lambda = _lambda.AsSpan((int)(at * k), k);
                var mask = _masks.AsSpan((int)(at * words), words);
                for (int j = 0; j < k; j++)
                {
                    ulong positive = format.Encode(lambda[j]);
                    ulong negative = unchecked(0 - positive);
                    var c = coefficients.AsSpan((r * k + j) * d, d);
                    for (int s = 0; s < d; s++)
                    {
                        c[s] = words > 0 && ((mask[s >> 6] >> (s & 63)) & 1) != 0 ? negative : positive;   // σ_is·λ_ij
                    }
                }
            }
            return RowMixing.DealerMessage(seed0, seed1, scope, BatchId(encoding, batch, batchSize), BatchTableRows(encoding, batch, batchSize), k, coefficients, d);
        }
        finally
        {
            Array.Clear(coefficients);
        }
    }

    /// <summary>The dealt-secret index of a batch: unique over all encodings of one table.</summary>
    public int BatchId(int encoding, int batch, int batchSize) => checked(encoding * BatchesPerEncoding(batchSize) + batch);

    public void Dispose()
    {
        Array.Clear(_lambda);
        Array.Clear(_partners);
        Array.Clear(_masks);
    }

    private (int Start, int Count) Range(int encoding, int batch, int batchSize)
    {
        if ((uint)encoding >= (uint)Options.Encodings)
        {
            throw DealerError.InvalidArgument($"Encoding {encoding} is outside 0 … {Options.Encodings - 1}.");
        }
        int batches = BatchesPerEncoding(batchSize);
        if ((uint)batch >= (uint)batches)
        {
            throw DealerError.InvalidArgument($"Batch {batch} is outside 0 … {batches - 1}.");
        }
        int start = batch * batchSize;
        return (start, Math.Min(batchSize, TestCount - start));
    }
}
