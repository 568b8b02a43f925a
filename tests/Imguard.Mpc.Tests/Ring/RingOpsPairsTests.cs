using CsCheck;
using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Ring;

/// <summary>
/// The tournament kernels of RingOps.Pairs against scalar references written from their definitions (rows of width,
/// pair (2p, 2p + 1), pair (i, j) found by search, not by the kernels' index formula), over random widths, row counts
/// (0 included) and values; wrong lengths and overlap are refused before anything is written.
/// </summary>
public sealed class RingOpsPairsTests
{
    /// <summary>Rows of 1..9 values, 0..6 rows (so length 0 comes up), any ring values.</summary>
    private static readonly Gen<(int Width, int Rows, ulong[] Values)> Tensor =
        from width in Gen.Int[1, 9]
        from rows in Gen.Int[0, 6]
        from values in Gen.ULong.Array[width * rows]
        select (width, rows, values);

    /// <summary>A tensor and a second one of rows × ⌊width/2⌋ (increments, pair results).</summary>
    private static readonly Gen<(int Width, int Rows, ulong[] Values, ulong[] PerPair)> TensorAndPairs =
        from t in Tensor
        from perPair in Gen.ULong.Array[t.Rows * (t.Width / 2)]
        select (t.Width, t.Rows, t.Values, perPair);

    /// <summary>A length that differs from <paramref name="length"/>: one less (when possible) or one or more further.</summary>
    private static readonly Gen<int> Off = Gen.OneOf(Gen.Const(-1), Gen.Int[1, 3]);

    private static int Wrong(int length, int off) => length + off < 0 ? length + 1 : length + off;

    private static (int I, int J)[] PairsOf(int width) =>
        [.. from i in Enumerable.Range(0, width) from j in Enumerable.Range(0, width) where i < j select (i, j)];

    [Fact]
    public void PairDifferences_matches_the_reference() =>
        Tensor.Sample(t =>
        {
            int pairs = t.Width / 2;
            var expected = new ulong[t.Rows * pairs];
            for (int r = 0; r < t.Rows; r++)
            {
                for (int p = 0; p < pairs; p++)
                {
                    expected[r * pairs + p] = unchecked(t.Values[r * t.Width + 2 * p] - t.Values[r * t.Width + 2 * p + 1]);
                }
            }
            var actual = new ulong[expected.Length];
            RingOps.PairDifferences(t.Values, t.Width, actual);
            Assert.Equal(expected, actual);
        }, iter: 300);

    [Fact]
    public void AdvancePairs_and_ReplacePairs_match_the_reference() =>
        TensorAndPairs.Sample(t =>
        {
            int pairs = t.Width / 2, next = (t.Width + 1) / 2;
            var advanced = new ulong[t.Rows * next];
            var replaced = new ulong[t.Rows * next];
            for (int r = 0; r < t.Rows; r++)
            {
                for (int p = 0; p < next; p++)
                {
                    bool paired = p < pairs;
                    ulong carried = t.Values[r * t.Width + t.Width - 1];
                    advanced[r * next + p] = paired ? unchecked(t.Values[r * t.Width + 2 * p + 1] + t.PerPair[r * pairs + p]) : carried;
                    replaced[r * next + p] = paired ? t.PerPair[r * pairs + p] : carried;
                }
            }
            var actual = new ulong[advanced.Length];
            RingOps.AdvancePairs(t.Values, t.Width, t.PerPair, actual);
            Assert.Equal(advanced, actual);
            RingOps.ReplacePairs(t.Values, t.Width, t.PerPair, actual);
            Assert.Equal(replaced, actual);
        }, iter: 300);

    [Fact]
    public void SplitPairs_matches_the_reference() =>
        Tensor.Sample(t =>
        {
            int pairs = t.Width / 2;
            var firsts = new ulong[t.Rows * pairs];
            var seconds = new ulong[t.Rows * pairs];
            RingOps.SplitPairs(t.Values, t.Width, firsts, seconds);
            for (int r = 0; r < t.Rows; r++)
            {
                for (int p = 0; p < pairs; p++)
                {
                    Assert.Equal(t.Values[r * t.Width + 2 * p], firsts[r * pairs + p]);
                    Assert.Equal(t.Values[r * t.Width + 2 * p + 1], seconds[r * pairs + p]);
                }
            }
        }, iter: 300);

    [Fact]
    public void AllPairDifferences_matches_the_reference() =>
        Tensor.Sample(t =>
        {
            var pairs = PairsOf(t.Width);
            var expected = Enumerable.Range(0, t.Rows)
                .SelectMany(r => pairs.Select(q => unchecked(t.Values[r * t.Width + q.I] - t.Values[r * t.Width + q.J])))
                .ToArray();
            var actual = new ulong[expected.Length];
            RingOps.AllPairDifferences(t.Values, t.Width, actual);
            Assert.Equal(expected, actual);
        }, iter: 300);

    [Fact]
    public void AllPairFactors_matches_the_reference() =>
        Gen.Select(Gen.Int[1, 8], Gen.Int[0, 5], Gen.ULong).SelectMany((width, rows, one) =>
            Gen.ULong.Array[rows * width * (width - 1) / 2].Select(d => (width, rows, one, d)))
        .Sample(t =>
        {
            var pairs = PairsOf(t.width);
            int count = pairs.Length;
            var expected = new List<ulong>();
            for (int r = 0; r < t.rows; r++)
            {
                for (int i = 0; i < t.width; i++)
                {
                    for (int j = 0; j < t.width; j++)
                    {
                        if (j == i)
                        {
                            continue;
                        }
                        ulong d = t.d[r * count + Array.IndexOf(pairs, (Math.Min(i, j), Math.Max(i, j)))];
                        expected.Add(j > i ? d : unchecked(t.one - d));
                    }
                }
            }
            var actual = new ulong[expected.Count];
            RingOps.AllPairFactors(t.d, t.width, t.one, actual);
            Assert.Equal(expected, actual);
        }, iter: 300);

    [Fact]
    public void AllPairFactors_of_plaintext_comparisons_multiply_to_one_at_the_first_maximum_only() =>
        Gen.Int[1, 7].SelectMany(width => Gen.Int[-3, 3].Array[width].Select(x => (width, x))).Sample(t =>
        {
            var x = t.x.Select(v => unchecked((ulong)v)).ToArray();
            var differences = new ulong[t.width * (t.width - 1) / 2];
            RingOps.AllPairDifferences(x, t.width, differences);
            var outcomes = differences.Select(d => (long)d >= 0 ? 1UL : 0UL).ToArray();     // d_ij = 1{x_i ≥ x_j}
            var factors = new ulong[t.width * (t.width - 1)];
            RingOps.AllPairFactors(outcomes, t.width, 1, factors);
            int first = Array.IndexOf(t.x, t.x.Max());
            for (int i = 0; i < t.width; i++)
            {
                ulong product = factors.Skip(i * (t.width - 1)).Take(t.width - 1).Aggregate(1UL, (a, b) => a * b);
                Assert.Equal(i == first ? 1UL : 0UL, product);
            }
        }, iter: 300);

    [Fact]
    public void A_tournament_of_PairDifferences_and_AdvancePairs_finds_each_row_maximum() =>
        Gen.Int[1, 9].SelectMany(width => Gen.Int[0, 5].SelectMany(rows => Gen.Long[-1000, 1000].Array[width * rows].Select(x => (width, rows, x))))
        .Sample(t =>
        {
            var current = t.x.Select(v => unchecked((ulong)v)).ToArray();
            for (int width = t.width; width > 1; width = (width + 1) / 2)
            {
                var difference = new ulong[t.rows * (width / 2)];
                RingOps.PairDifferences(current, width, difference);
                var relu = difference.Select(d => (long)d > 0 ? d : 0).ToArray();           // ReLU(a − b) in plaintext
                var merged = new ulong[t.rows * ((width + 1) / 2)];
                RingOps.AdvancePairs(current, width, relu, merged);                          // b + ReLU(a − b) = max(a, b)
                current = merged;
            }
            var expected = Enumerable.Range(0, t.rows).Select(r => unchecked((ulong)t.x.Skip(r * t.width).Take(t.width).Max())).ToArray();
            Assert.Equal(expected, current);
        }, iter: 300);

    [Fact]
    public void GatherColumns_matches_the_reference() =>
        Tensor.SelectMany(t => Gen.Int[0, t.Width - 1].Array[0, 12].Select(columns => (t.Width, t.Rows, t.Values, columns)))
        .Sample(t =>
        {
            var expected = Enumerable.Range(0, t.Rows).SelectMany(r => t.columns.Select(c => t.Values[r * t.Width + c])).ToArray();
            var actual = new ulong[expected.Length];
            RingOps.GatherColumns(t.Values, t.Width, t.columns, actual);
            Assert.Equal(expected, actual);
        }, iter: 300);

    [Fact]
    public void PartOrRemainder_matches_the_reference_also_in_place() =>
        Tensor.SelectMany(t => Gen.Bool.Array[0, t.Width].SelectMany(take => Gen.ULong.Array[t.Rows * take.Length].Select(parts => (t.Width, t.Rows, t.Values, take, parts))))
        .Sample(t =>
        {
            int covered = t.take.Length;
            var expected = new ulong[t.Values.Length];
            for (int r = 0; r < t.Rows; r++)
            {
                for (int j = 0; j < t.Width; j++)
                {
                    ulong v = t.Values[r * t.Width + j];
                    expected[r * t.Width + j] = j >= covered ? v : t.take[j] ? t.parts[r * covered + j] : unchecked(v - t.parts[r * covered + j]);
                }
            }
            var actual = new ulong[expected.Length];
            RingOps.PartOrRemainder(t.Values, t.Width, t.parts, t.take, actual);
            Assert.Equal(expected, actual);
            var inPlace = (ulong[])t.Values.Clone();
            RingOps.PartOrRemainder(inPlace, t.Width, t.parts, t.take, inPlace);
            Assert.Equal(expected, inPlace);
        }, iter: 300);

    [Fact]
    public void PairIndicatorsByCandidate_matches_the_reference() =>
        Gen.Select(Gen.Int[1, 9], Gen.Int[0, 6], Gen.ULong).SelectMany((candidates, rows, one) =>
            Gen.ULong.Array[rows * (candidates / 2)].Select(beta => (candidates, rows, one, beta)))
        .Sample(t =>
        {
            int pairs = t.candidates / 2;
            var expected = new ulong[t.candidates * t.rows];
            for (int c = 0; c < t.candidates; c++)
            {
                for (int r = 0; r < t.rows; r++)
                {
                    expected[c * t.rows + r] = c >= 2 * pairs ? t.one
                        : c % 2 == 0 ? t.beta[r * pairs + c / 2]
                        : unchecked(t.one - t.beta[r * pairs + c / 2]);
                }
            }
            var actual = new ulong[expected.Length];
            RingOps.PairIndicatorsByCandidate(t.beta, t.candidates, t.one, actual);
            Assert.Equal(expected, actual);
        }, iter: 300);

    [Fact]
    public void Mismatched_lengths_are_refused_before_anything_is_written() =>
        Gen.Select(TensorAndPairs, Off).Sample((t, off) =>
        {
            int pairs = t.Rows * (t.Width / 2), next = t.Rows * ((t.Width + 1) / 2);
            var bad = Enumerable.Repeat(0xA5A5UL, t.Values.Length + 8).ToArray();                      // room for every wrong length
            AssertRefused(bad, d => RingOps.PairDifferences(t.Values, t.Width, d.AsSpan(0, Wrong(pairs, off))));
            AssertRefused(bad, d => RingOps.AdvancePairs(t.Values, t.Width, t.PerPair, d.AsSpan(0, Wrong(next, off))));
            AssertRefused(bad, d => RingOps.ReplacePairs(t.Values, t.Width, t.PerPair, d.AsSpan(0, Wrong(next, off))));
            AssertRefused(bad, d => RingOps.AdvancePairs(t.Values, t.Width, new ulong[Wrong(pairs, off)], d.AsSpan(0, next)));
            AssertRefused(bad, d => RingOps.SplitPairs(t.Values, t.Width, d.AsSpan(0, Wrong(pairs, off)), new ulong[pairs]));
            AssertRefused(bad, d => RingOps.GatherColumns(t.Values, t.Width, [0], d.AsSpan(0, Wrong(t.Rows, off))));
            AssertRefused(bad, d => RingOps.PartOrRemainder(t.Values, t.Width, new ulong[Wrong(t.Rows, off)], [true], d.AsSpan(0, t.Values.Length)));
            AssertRefused(bad, d => RingOps.PairIndicatorsByCandidate(new ulong[Wrong(pairs, off)], t.Width, 1, d.AsSpan(0, t.Rows * t.Width)));
            int all = t.Rows * t.Width * (t.Width - 1) / 2;
            AssertRefused(bad, d => RingOps.AllPairDifferences(t.Values, t.Width, new ulong[Wrong(all, off)]));
            AssertRefused(bad, d => RingOps.AllPairFactors(new ulong[all], t.Width, 1, new ulong[Wrong(2 * all, off)]));
            if (t.Width > 1)
            {
                // A tensor whose length is not a whole number of rows.
                var ragged = new ulong[t.Values.Length + 1];
                AssertRefused(bad, d => RingOps.PairDifferences(ragged, t.Width, d.AsSpan(0, pairs)));
                AssertRefused(bad, d => RingOps.AllPairDifferences(ragged, t.Width, d.AsSpan(0, 0)));
                AssertRefused(bad, d => RingOps.GatherColumns(ragged, t.Width, [], d.AsSpan(0, 0)));
            }
        }, iter: 200);

    [Fact]
    public void Bad_widths_columns_and_overlap_are_refused()
    {
        var values = Enumerable.Range(0, 12).Select(i => (ulong)i).ToArray();
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.PairDifferences(values, 0, new ulong[6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.AllPairFactors([], 0, 1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.GatherColumns(values, 4, [0, 4], new ulong[6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.GatherColumns(values, 4, [-1], new ulong[3]));
        Assert.Throws<ArgumentException>(() => RingOps.PartOrRemainder(values, 4, new ulong[15], new bool[5], new ulong[12]));

        // Every kernel reads inputs after it has started writing: its destination must not overlap them
        // (PartOrRemainder excepted, which may work exactly in place).
        Assert.Throws<ArgumentException>(() => RingOps.PairDifferences(values, 4, values.AsSpan(0, 6)));
        Assert.Throws<ArgumentException>(() => RingOps.AdvancePairs(values.AsSpan(0, 8), 4, values.AsSpan(8, 4), values.AsSpan(6, 4)));
        Assert.Throws<ArgumentException>(() => RingOps.ReplacePairs(values.AsSpan(0, 8), 4, values.AsSpan(8, 4), values.AsSpan(8, 4)));
        Assert.Throws<ArgumentException>(() => RingOps.SplitPairs(values.AsSpan(0, 4), 4, values.AsSpan(4, 2), values.AsSpan(5, 2)));
        Assert.Throws<ArgumentException>(() => RingOps.AllPairDifferences(values.AsSpan(0, 4), 4, values.AsSpan(2, 6)));
        Assert.Throws<ArgumentException>(() => RingOps.AllPairFactors(values.AsSpan(0, 1), 2, 1, values.AsSpan(0, 2)));
        Assert.Throws<ArgumentException>(() => RingOps.GatherColumns(values.AsSpan(0, 8), 4, [0, 1], values.AsSpan(7, 4)));
        Assert.Throws<ArgumentException>(() => RingOps.PartOrRemainder(values.AsSpan(0, 8), 4, new ulong[4], new bool[2], values.AsSpan(1, 8)));
        Assert.Throws<ArgumentException>(() => RingOps.PairIndicatorsByCandidate(values.AsSpan(0, 2), 4, 1, values.AsSpan(1, 4)));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (ulong)i), values);                         // nothing was written
    }

    /// <summary>The call throws an <see cref="ArgumentException"/> and leaves its scratch buffer as it was.</summary>
    private static void AssertRefused(ulong[] scratch, Action<ulong[]> call)
    {
        var before = (ulong[])scratch.Clone();
        Assert.ThrowsAny<ArgumentException>(() => call(scratch));
        Assert.Equal(before, scratch);
    }
}
