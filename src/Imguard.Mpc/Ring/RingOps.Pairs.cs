namespace Imguard.Mpc.Ring;

/// <summary>
/// The index work of tournaments along the last axis (Protocols/Selection): a tensor is read as rows of
/// <c>width</c> values (rows = length / width), a level pairs the values (2p, 2p + 1) of each row, and an odd last
/// value goes up unchanged. The protocol keeps the rounds; these kernels lay out what each round sends and merges
/// what comes back, into a caller-supplied destination that must not overlap an input (unless a kernel says so).
/// </summary>
public static partial class RingOps
{
    /// <summary>destination[r, p] = values[r, 2p] − values[r, 2p + 1] mod 2^64: rows × ⌊width/2⌋.</summary>
    public static void PairDifferences(ReadOnlySpan<ulong> values, int width, Span<ulong> destination)
    {
        int rows = RowsOf("PairDifferences values", values.Length, width);
        int pairs = width / 2;
        CheckLength("PairDifferences destination", rows * pairs, destination.Length);
        CheckDisjoint(values, destination, nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            var row = values.Slice(r * width, width);
            var target = destination.Slice(r * pairs, pairs);
            for (int p = 0; p < target.Length; p++)
            {
                target[p] = unchecked(row[2 * p] - row[2 * p + 1]);
            }
        }
    }

    /// <summary>
    /// The next level of a tournament from each pair's second value plus an increment: destination[r, p] =
    /// values[r, 2p + 1] + increments[r, p] mod 2^64 (b + ReLU(a − b) = max(a, b), or b + β·(a − b)), and a row's odd
    /// last value carried: rows × ⌈width/2⌉. <paramref name="increments"/> is rows × ⌊width/2⌋.
    /// </summary>
    public static void AdvancePairs(ReadOnlySpan<ulong> values, int width, ReadOnlySpan<ulong> increments, Span<ulong> destination)
    {
        int rows = RowsOf("AdvancePairs values", values.Length, width);
        int pairs = width / 2, next = width - pairs;
        CheckLength("AdvancePairs increments", rows * pairs, increments.Length);
        CheckLength("AdvancePairs destination", rows * next, destination.Length);
        CheckDisjoint(values, destination, nameof(destination));
        CheckDisjoint(increments, destination, nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            var row = values.Slice(r * width, width);
            var increment = increments.Slice(r * pairs, pairs);
            var target = destination.Slice(r * next, next);
            for (int p = 0; p < increment.Length; p++)
            {
                target[p] = unchecked(row[2 * p + 1] + increment[p]);
            }
            if (next > pairs)
            {
                target[pairs] = row[width - 1];
            }
        }
    }

    /// <summary>
    /// The next level of a tournament from one result per pair: destination[r, p] = pairResults[r, p] and a row's odd
    /// last value carried: rows × ⌈width/2⌉. <paramref name="pairResults"/> is rows × ⌊width/2⌋.
    /// </summary>
    public static void ReplacePairs(ReadOnlySpan<ulong> values, int width, ReadOnlySpan<ulong> pairResults, Span<ulong> destination)
    {
        int rows = RowsOf("ReplacePairs values", values.Length, width);
        int pairs = width / 2, next = width - pairs;
        CheckLength("ReplacePairs results", rows * pairs, pairResults.Length);
        CheckLength("ReplacePairs destination", rows * next, destination.Length);
        CheckDisjoint(values, destination, nameof(destination));
        CheckDisjoint(pairResults, destination, nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            var target = destination.Slice(r * next, next);
            pairResults.Slice(r * pairs, pairs).CopyTo(target);
            if (next > pairs)
            {
                target[pairs] = values[r * width + width - 1];
            }
        }
    }

    /// <summary>
    /// firsts[r, p] = values[r, 2p] and seconds[r, p] = values[r, 2p + 1], each rows × ⌊width/2⌋ (a row's odd last value
    /// is in neither). Neither output may overlap the input or the other.
    /// </summary>
    public static void SplitPairs(ReadOnlySpan<ulong> values, int width, Span<ulong> firsts, Span<ulong> seconds)
    {
        int rows = RowsOf("SplitPairs values", values.Length, width);
        int pairs = width / 2;
        CheckLength("SplitPairs firsts", rows * pairs, firsts.Length);
        CheckLength("SplitPairs seconds", rows * pairs, seconds.Length);
        CheckDisjoint(values, firsts, nameof(firsts));
        CheckDisjoint(values, seconds, nameof(seconds));
        CheckDisjoint<ulong>(firsts, seconds, nameof(seconds));
        for (int r = 0; r < rows; r++)
        {
            var row = values.Slice(r * width, width);
            var first = firsts.Slice(r * pairs, pairs);
            var second = seconds.Slice(r * pairs, pairs);
            for (int p = 0; p < first.Length; p++)
            {
                first[p] = row[2 * p];
                second[p] = row[2 * p + 1];
            }
        }
    }

    /// <summary>
    /// Every pair i &lt; j of each row: destination[r, k] = values[r, i] − values[r, j] mod 2^64, k running over
    /// (0, 1), (0, 2), …, (0, width − 1), (1, 2), …: rows × width(width − 1)/2.
    /// </summary>
    public static void AllPairDifferences(ReadOnlySpan<ulong> values, int width, Span<ulong> destination)
    {
        int rows = RowsOf("AllPairDifferences values", values.Length, width);
        int pairs = AllPairsOf(width);
        CheckLength("AllPairDifferences destination", checked(rows * pairs), destination.Length);
        CheckDisjoint(values, destination, nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            var row = values.Slice(r * width, width);
            var target = destination.Slice(r * pairs, pairs);
            int k = 0;
            for (int i = 0; i < width; i++)
            {
                for (int j = i + 1; j < width; j++, k++)
                {
                    target[k] = unchecked(row[i] - row[j]);
                }
            }
        }
    }

    /// <summary>
    /// From the outcomes d_ij of every pair i &lt; j of each row (rows × width(width − 1)/2 in the order of
    /// <see cref="AllPairDifferences"/>), the width − 1 factors of each candidate i: d_ij for j &gt; i and
    /// <paramref name="one"/> − d_ji for j &lt; i, in the order of j: rows × width × (width − 1). With d_ij = 1{x_i ≥ x_j}
    /// and <paramref name="one"/> this party's share of the public 1, the factors' product is 1 exactly for the row's
    /// first maximum.
    /// </summary>
    public static void AllPairFactors(ReadOnlySpan<ulong> outcomes, int width, ulong one, Span<ulong> destination)
    {
        int pairs = AllPairsOf(width);
        int factors = width - 1;
        if (pairs == 0)
        {
            CheckLength("AllPairFactors outcomes", 0, outcomes.Length);        // rows of one: no pairs, no factors
            CheckLength("AllPairFactors destination", 0, destination.Length);
            return;
        }
        int rows = RowsOf("AllPairFactors outcomes", outcomes.Length, pairs);
        CheckLength("AllPairFactors destination", checked(rows * width * factors), destination.Length);
        CheckDisjoint(outcomes, destination, nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            var d = outcomes.Slice(r * pairs, pairs);
            for (int i = 0; i < width; i++)
            {
                var target = destination.Slice((r * width + i) * factors, factors);
                int at = 0;
                for (int j = 0; j < i; j++)
                {
                    target[at++] = unchecked(one - d[PairIndex(width, j, i)]);    // x_j ≥ x_i lost to an earlier j
                }
                for (int j = i + 1; j < width; j++)
                {
                    target[at++] = d[PairIndex(width, i, j)];                    // ties go to i
                }
            }
        }
    }

    /// <summary>
    /// destination[r, k] = source[r, columns[k]]: rows × columns.Length, each column index in [0, width) and used any
    /// number of times.
    /// </summary>
    public static void GatherColumns(ReadOnlySpan<ulong> source, int width, ReadOnlySpan<int> columns, Span<ulong> destination)
    {
        int rows = RowsOf("GatherColumns source", source.Length, width);
        CheckLength("GatherColumns destination", checked(rows * columns.Length), destination.Length);
        CheckColumns(columns, width);
        CheckDisjoint(source, destination, nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            var row = source.Slice(r * width, width);
            var target = destination.Slice(r * columns.Length, columns.Length);
            for (int k = 0; k < target.Length; k++)
            {
                target[k] = row[columns[k]];
            }
        }
    }

    /// <summary>
    /// For the first takePart.Length columns of each row: destination[r, j] = parts[r, j] where takePart[j] and
    /// values[r, j] − parts[r, j] mod 2^64 elsewhere; later columns are copied. With parts = β·h, the arg-max keeps β·h on
    /// a pair's left segment and (1 − β)·h on its right. <paramref name="parts"/> is rows × takePart.Length;
    /// <paramref name="destination"/> may be exactly <paramref name="values"/>.
    /// </summary>
    public static void PartOrRemainder(ReadOnlySpan<ulong> values, int width, ReadOnlySpan<ulong> parts, ReadOnlySpan<bool> takePart, Span<ulong> destination)
    {
        int rows = RowsOf("PartOrRemainder values", values.Length, width);
        int covered = takePart.Length;
        if (covered > width)
        {
            MpcError.ThrowLengthMismatch("PartOrRemainder columns", width, covered);
        }
        CheckLength("PartOrRemainder parts", rows * covered, parts.Length);
        CheckLength("PartOrRemainder destination", values.Length, destination.Length);
        CheckInPlaceOrDisjoint(values, destination, nameof(destination));
        CheckDisjoint(parts, destination, nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            var row = values.Slice(r * width, width);
            var part = parts.Slice(r * covered, covered);
            var target = destination.Slice(r * width, width);
            for (int j = 0; j < part.Length; j++)
            {
                target[j] = takePart[j] ? part[j] : unchecked(row[j] - part[j]);
            }
            row[covered..].CopyTo(target[covered..]);
        }
    }

    /// <summary>
    /// One tournament level's factor of each candidate, by candidate (column-major, candidates × rows): for the pair
    /// outcomes β (rows × ⌊candidates/2⌋), candidate 2p gets β[r, p], candidate 2p + 1 gets <paramref name="one"/> −
    /// β[r, p], and an unpaired last candidate gets <paramref name="one"/>. rows = destination.Length / candidates.
    /// </summary>
    public static void PairIndicatorsByCandidate(ReadOnlySpan<ulong> outcomes, int candidates, ulong one, Span<ulong> destination)
    {
        int rows = RowsOf("PairIndicatorsByCandidate destination", destination.Length, candidates);
        int pairs = candidates / 2;
        CheckLength("PairIndicatorsByCandidate outcomes", rows * pairs, outcomes.Length);
        CheckDisjoint(outcomes, destination, nameof(destination));
        for (int p = 0; p < pairs; p++)
        {
            var left = destination.Slice(2 * p * rows, rows);
            var right = destination.Slice((2 * p + 1) * rows, rows);
            for (int r = 0; r < rows; r++)
            {
                ulong beta = outcomes[r * pairs + p];
                left[r] = beta;                                                  // left wins: β
                right[r] = unchecked(one - beta);                                // right wins: 1 − β
            }
        }
        if (candidates > 2 * pairs)
        {
            destination.Slice(2 * pairs * rows, rows).Fill(one);                 // unpaired: the public 1
        }
    }

    /// <summary>Index of the pair (a, b), a &lt; b, among a row's pairs in the order (0,1), (0,2), …, (1,2), ….</summary>
    private static int PairIndex(int width, int a, int b) => a * (2 * width - a - 1) / 2 + (b - a - 1);

    private static int AllPairsOf(int width) => width < 1
        ? throw MpcError.OutOfRange(nameof(width), "A row must have at least one element.")
        : checked(width * (width - 1) / 2);

    /// <summary>Rows of a row-major span of rows of <paramref name="width"/>; throws unless the length is a multiple of it.</summary>
    private static int RowsOf(string what, int length, int width)
    {
        if (width < 1)
        {
            throw MpcError.OutOfRange(nameof(width), "A row must have at least one element.");
        }
        if (length % width != 0)
        {
            MpcError.ThrowLengthMismatch(what, (long)(length / width + 1) * width, length);
        }
        return length / width;
    }

    private static void CheckColumns(ReadOnlySpan<int> columns, int width)
    {
        foreach (int column in columns)
        {
            if ((uint)column >= (uint)width)
            {
                throw MpcError.OutOfRange(nameof(columns), $"Column {column} does not exist in rows of {width}.");
            }
        }
    }
}
