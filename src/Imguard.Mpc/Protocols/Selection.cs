using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// Maximum and arg-max of shared values from the comparisons of <see cref="Comparison"/>
/// (max(x, y) = y + ReLU(x − y) as in CrypTen's <c>max</c>/<c>argmax</c> "pairwise" tree). Exact: no truncation
/// anywhere, the results are the inputs' ring values. Rounds below count one per comparison, as with the DCF; the
/// binary circuit (the default) takes R = <see cref="Comparison.Rounds(PartyContext)"/> per comparison and the
/// word counts below are the DCF's (see docs/mpc-protocols.md for the binary circuit's).
/// Valid while every difference x − y lies in the comparison range of <see cref="PartyContext.ComparisonBits"/>
/// (the whole ring at ℓ = 64: any two fixed-point values below 2^(62−f) in magnitude).
/// Online cost, n = length of the last axis:
///   Max: 1 round, 1 word/element each way.
///   MaxAlongLastAxis: ⌈log2 n⌉ rounds (every pair of a level in one ReLU), n − 1 words per row each way.
///   ArgMaxAlongLastAxis: 2⌈log2 n⌉ rounds (DReLU, then one batched raw product per level), per row each way
///   at most 3(n − 1) + 2n⌈log2 n⌉ words (each candidate's one-hot segment only spans its own subtree).
///   MaxWithArgMaxAlongLastAxis: both results in L + ⌈log2 L⌉ rounds, L = ⌈log2 n⌉ (ReLU with derivative per
///   level, then the one-hot as products of the levels' 0/1 outcomes), per row each way n − 1 words + 2 per product
///   (n = 4: 11 words, n = 9: 44).
/// This file holds the rounds; the index work of each level (pair differences, the next level, the gathers of the
/// arg-max) is in the span kernels of Ring/RingOps.Pairs.cs, tested there against scalar references.
/// </summary>
public static class Selection
{
    /// <summary>max(x, y) element-wise, same format. 1 round.</summary>
    public static async ValueTask<SharedTensor> MaxAsync(PartyContext ctx, SharedTensor x, SharedTensor y, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        ctx.Check(y);
        Linear.RequireSameShape("Max", x.Shape, y.Shape);
        var difference = Linear.Subtract(ctx, x, y);                                         // x − y
        var positivePart = await Comparison.ReluAsync(ctx, difference, cancellationToken).ConfigureAwait(false);
        return Linear.Add(ctx, y, positivePart);                                             // y + ReLU(x − y)
    }

    /// <summary>
    /// The maximum of each row along the last axis, shape [..., 1] (the axis is kept, so the result broadcasts
    /// against x). ⌈log2 n⌉ rounds.
    /// </summary>
    public static async ValueTask<SharedTensor> MaxAlongLastAxisAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        var (rows, n) = RowsOf(ctx, x, "MaxAlongLastAxis");
        var current = x.Share.Data;                                                          // read only: each level writes a new array
        int width = n;
        while (width > 1 && rows > 0)
        {
            int pairs = width / 2;
            int next = width - pairs;
            var difference = new ulong[rows * pairs];
            RingOps.PairDifferences(current, width, difference);                             // a − b
            var positivePart = await Comparison.ReluAsync(ctx, ctx.Wrap(difference, [rows * pairs]), cancellationToken).ConfigureAwait(false);
            var merged = new ulong[rows * next];
            RingOps.AdvancePairs(current, width, positivePart.Share.Data, merged);           // b + ReLU(a − b); odd one out goes up unchanged
            current = merged;
            width = next;
        }
        return ctx.Wrap(width == n ? (ulong[])current.Clone() : current, KeepLastAxis(x.Shape, 1));
    }

    /// <summary>
    /// The row maximum as <see cref="MaxAlongLastAxisAsync"/>, in a constant number of comparison rounds: every pair
    /// i &lt; j of a row compared at once (d_ij = 1{x_i ≥ x_j}, n(n−1)/2 per row), then w_i = Π_{j&gt;i} d_ij ·
    /// Π_{j&lt;i} (1 − d_ji) — 1 exactly for the row's first maximum — as a tree of raw products (⌈log2(n−1)⌉ rounds),
    /// then Σ_i w_i·x_i (1 round). Exact, ties to the lowest index, valid where the tree is (every difference in the
    /// comparison range). Rounds: R + ⌈log2(n−1)⌉ + 1 against the tree's ⌈log2 n⌉·R, R =
    /// <see cref="Comparison.Rounds(PartyContext)"/>: 11 against 24 for n = 10 with the binary circuit at ℓ = 32
    /// (and more bytes: n(n−1)/2 comparisons a row, not n − 1). <see cref="AllPairsRounds"/> says which is fewer.
    /// </summary>
    public static async ValueTask<SharedTensor> MaxAlongLastAxisAllPairsAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        var (rows, n) = RowsOf(ctx, x, "MaxAlongLastAxisAllPairs");
        var values = x.Share.Data;
        if (n == 1 || rows == 0)
        {
            return ctx.Wrap((ulong[])values.Clone(), KeepLastAxis(x.Shape, 1));
        }
        int pairs = n * (n - 1) / 2;
        var differences = new ulong[rows * pairs];
        RingOps.AllPairDifferences(values, n, differences);                                  // x_i − x_j, i < j
        var d = (await Comparison.DReluAsync(ctx, ctx.Wrap(differences, [rows * pairs]), cancellationToken).ConfigureAwait(false)).Share.Data;

        // The n − 1 factors of each candidate: d_ij for j > i (ties go to i), 1 − d_ji for j < i (strictly greater).
        int width = n - 1;
        ulong one = ctx.PartyId == 0 ? 1UL : 0UL;
        var factors = new ulong[rows * n * width];
        RingOps.AllPairFactors(d, n, one, factors);
        int candidates = rows * n;
        while (width > 1)
        {
            int halves = width / 2, next = width - halves;
            var left = new ulong[candidates * halves];
            var right = new ulong[candidates * halves];
            RingOps.SplitPairs(factors, width, left, right);
            var products = (await Beaver.MultiplyRawAsync(ctx, ctx.Wrap(left, [left.Length]), ctx.Wrap(right, [right.Length]), cancellationToken).ConfigureAwait(false)).Share.Data;
            var merged = new ulong[candidates * next];
            RingOps.ReplacePairs(factors, width, products, merged);                          // odd factor goes up unchanged
            factors = merged;
            width = next;
        }
        // factors now holds w (0/1 ring integers), one per candidate: max = Σ_i w_i·x_i (integer × fixed point: no truncation).
        var weighted = (await Beaver.MultiplyRawAsync(ctx, ctx.Wrap(factors, [candidates]), x.Reshape(candidates), cancellationToken).ConfigureAwait(false)).Share.Data;
        var max = new ulong[rows];
        RingOps.SumAxis(weighted, [rows, n], 1, max);
        return ctx.Wrap(max, KeepLastAxis(x.Shape, 1));
    }

    /// <summary>Rounds of <see cref="MaxAlongLastAxisAllPairsAsync"/> and of <see cref="MaxAlongLastAxisAsync"/> for rows of n.</summary>
    public static (int AllPairs, int Tree) AllPairsRounds(PartyContext ctx, int n)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (n <= 1)
        {
            return (0, 0);
        }
        int r = Comparison.Rounds(ctx);
        return (r + CeilLog2(n - 1) + 1, CeilLog2(n) * r);
    }

    private static int CeilLog2(int n)
    {
        int levels = 0;
        for (int width = n; width > 1; width = width / 2 + (width % 2))
        {
            levels++;
        }
        return levels;
    }

    /// <summary>
    /// A one-hot tensor of x's shape marking each row's maximum along the last axis, as ring integers 0/1 (not
    /// fixed-point). Exactly one 1 per row; ties go to the lowest index. 2⌈log2 n⌉ rounds.
    /// </summary>
    public static async ValueTask<SharedTensor> ArgMaxAlongLastAxisAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        var (rows, n) = RowsOf(ctx, x, "ArgMaxAlongLastAxis");
        var values = x.Share.Data;                                                           // read only: each level writes a new array
        // One-hot of the whole row, each candidate owning the segment [start[c], start[c + 1]) of its subtree.
        var oneHot = new ulong[rows * n];
        if (ctx.PartyId == 0)
        {
            Array.Fill(oneHot, 1UL);                                                         // every leaf is its own arg-max: public 1
        }
        var start = Enumerable.Range(0, n + 1).ToArray();
        var positions = Enumerable.Range(0, n).ToArray();
        int width = n;
        while (width > 1 && rows > 0)
        {
            int pairs = width / 2;
            int next = width - pairs;
            int covered = start[2 * pairs];                                                  // row positions inside some pair
            var difference = new ulong[rows * pairs];
            RingOps.PairDifferences(values, width, difference);                              // a − b
            var differenceShare = ctx.Wrap(difference, [rows * pairs]);
            var leftWins = await Comparison.DReluAsync(ctx, differenceShare, cancellationToken).ConfigureAwait(false); // β = 1{a ≥ b}
            var pairOf = new int[covered];                                                   // the pair whose segments hold position j
            var onLeft = new bool[covered];                                                  // in the left (lower) candidate's segment
            for (int p = 0; p < pairs; p++)
            {
                Array.Fill(pairOf, p, start[2 * p], start[2 * p + 2] - start[2 * p]);
                Array.Fill(onLeft, true, start[2 * p], start[2 * p + 1] - start[2 * p]);
            }
            var betaSpread = new ulong[rows * covered];
            var segment = new ulong[rows * covered];
            RingOps.GatherColumns(leftWins.Share.Data, pairs, pairOf, betaSpread);           // β of each position's pair
            RingOps.GatherColumns(oneHot, n, positions.AsSpan(0, covered), segment);         // h of each position
            var products = await Beaver.MultiplyRawAsync(ctx,
                [(leftWins, differenceShare), (ctx.Wrap(betaSpread, [rows * covered]), ctx.Wrap(segment, [rows * covered]))],
                cancellationToken).ConfigureAwait(false);                                    // β·(a − b) and β·h, one round
            var merged = new ulong[rows * next];
            RingOps.AdvancePairs(values, width, products[0].Share.Data, merged);             // b + β·(a − b); odd one out goes up unchanged
            RingOps.PartOrRemainder(oneHot, n, products[1].Share.Data, onLeft, oneHot);      // left segment: β·h_a, right: h_b − β·h_b = (1 − β)·h_b
            var nextStart = new int[next + 1];
            for (int c = 0; c <= pairs; c++)
            {
                nextStart[c] = start[2 * c];
            }
            nextStart[next] = n;
            start = nextStart;
            values = merged;
            width = next;
        }
        return ctx.Wrap(oneHot, x.Shape);
    }

    /// <summary>
    /// Each row's maximum along the last axis (shape [..., 1], as <see cref="MaxAlongLastAxisAsync"/>) and a one-hot
    /// tensor of x's shape marking it, as ring integers 0/1 (not fixed-point): exactly one 1 per row, ties to the
    /// lowest index. L = ⌈log2 n⌉ comparison rounds, then ⌈log2 L⌉ product rounds (n = 4: 3, n = 9: 6 rounds).
    /// </summary>
    /// <remarks>
    /// Tournament: level t pairs the survivors (2p, 2p + 1) of the ⌈n/2^t⌉ left after t levels (an odd one out goes up
    /// unchanged); ReLU with its derivative gives, in one round per level, the winner b + ReLU(a − b) and
    /// β = 1{a ≥ b} (the left, lower-indexed candidate wins ties, so the row's first maximum wins overall).
    /// Leaf j survives level t as candidate j ≫ t, so its indicator is the product over the levels of β (left), 1 − β
    /// (right) or a public 1 (unpaired). The products are taken over blocks of levels, doubling the block each
    /// round: a block starting at level t needs one value per candidate j ≫ t, so the lower block's candidates
    /// reuse the upper block's products (leaf indicators for n = 9: 18 products instead of 9·3).
    /// Per row, each way: n − 1 words (comparisons) + 2 words per product (n = 4: 4 products, n = 9: 18; at most
    /// n + ⌈n/2⌉ + ⌈n/4⌉ + … &lt; 2n + L per product round). Offline: n − 1 ReLU keys, the products' triples.
    /// </remarks>
    public static async ValueTask<(SharedTensor Max, SharedTensor OneHot)> MaxWithArgMaxAlongLastAxisAsync(
        PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        var (rows, n) = RowsOf(ctx, x, "MaxWithArgMaxAlongLastAxis");
        if (rows == 0)
        {
            return (ctx.Wrap([], KeepLastAxis(x.Shape, 1)), ctx.Wrap([], x.Shape));     // empty batch: nothing to open
        }
        var values = x.Share.Data;                                                           // read only: each level writes a new array
        var winners = new List<ulong[]>();                                                // β of level t, [rows × pairs_t]
        int width = n;
        while (width > 1)
        {
            int pairs = width / 2;
            int next = width - pairs;
            var difference = new ulong[rows * pairs];
            RingOps.PairDifferences(values, width, difference);                              // a − b
            var (positivePart, leftWins) = await Comparison.ReluWithDerivativeAsync(
                ctx, ctx.Wrap(difference, [rows * pairs]), cancellationToken).ConfigureAwait(false); // ReLU(a − b), β: one round
            var merged = new ulong[rows * next];
            RingOps.AdvancePairs(values, width, positivePart.Share.Data, merged);            // b + ReLU(a − b); odd one out goes up unchanged
            winners.Add(leftWins.Share.Data);
            values = merged;
            width = next;
        }
        var oneHot = await PathProductsAsync(ctx, winners, rows, n, cancellationToken).ConfigureAwait(false);
        return (ctx.Wrap(n == 1 ? (ulong[])values.Clone() : values, KeepLastAxis(x.Shape, 1)), ctx.Wrap(oneHot, x.Shape));
    }

    /// <summary>
    /// Leaf indicators of a tournament from its levels' β: for leaf j, Π_t (β_t or 1 − β_t of candidate j ≫ t), by
    /// blocks of levels whose length doubles each round (⌈log2 L⌉ rounds of one batched raw product each).
    /// </summary>
    private static async ValueTask<ulong[]> PathProductsAsync(PartyContext ctx, List<ulong[]> winners, int rows, int n, CancellationToken cancellationToken)
    {
        ulong one = ctx.PartyId == 0 ? 1UL : 0UL;                                           // share of the public 1
        var blocks = new List<LevelBlock>();
        for (int t = 0; t < winners.Count; t++)
        {
            int candidates = CandidatesAt(n, t), pairs = candidates / 2;
            var block = new LevelBlock(t, candidates, rows, new ulong[candidates * rows], new bool[candidates]);
            RingOps.PairIndicatorsByCandidate(winners[t], candidates, one, block.Values);    // left: β, right: 1 − β, unpaired: 1
            block.IsPublicOne.AsSpan(2 * pairs).Fill(true);
            blocks.Add(block);
        }
        if (blocks.Count == 0)
        {
            var only = new LevelBlock(0, n, rows, new ulong[n * rows], new bool[n]);        // n = 1: the only entry wins
            only.Values.AsSpan().Fill(one);
            only.IsPublicOne.AsSpan().Fill(true);
            blocks.Add(only);
        }
        while (blocks.Count > 1)
        {
            // Pair block 2i (levels from t) with block 2i + 1 (levels from u): candidate c of the first meets c ≫ (u − t).
            // A factor that is the public 1 is not multiplied: the other factor goes up as it is.
            var lefts = new List<ReadOnlyMemory<ulong>>();
            var rights = new List<ReadOnlyMemory<ulong>>();
            var targets = new List<Memory<ulong>>();
            var merged = new List<LevelBlock>();
            for (int i = 0; i + 1 < blocks.Count; i += 2)
            {
                var (lower, upper) = (blocks[i], blocks[i + 1]);
                int shift = upper.FirstLevel - lower.FirstLevel, candidates = lower.Candidates;
                var block = new LevelBlock(lower.FirstLevel, candidates, rows, new ulong[candidates * rows], new bool[candidates]);
                for (int c = 0; c < candidates; c++)
                {
                    int u = c >> shift;
                    block.IsPublicOne[c] = lower.IsPublicOne[c] && upper.IsPublicOne[u];
                    if (lower.IsPublicOne[c])
                    {
                        upper.Of(u).CopyTo(block.Of(c));                                     // 1 · upper
                    }
                    else if (upper.IsPublicOne[u])
                    {
                        lower.Of(c).CopyTo(block.Of(c));                                     // lower · 1
                    }
                    else
                    {
                        lefts.Add(lower.Of(c));
                        rights.Add(upper.Of(u));
                        targets.Add(block.Of(c));
                    }
                }
                merged.Add(block);
            }
            if (blocks.Count % 2 == 1)
            {
                merged.Add(blocks[^1]);                                                      // an odd block waits a round
            }
            if (targets.Count > 0)
            {
                var left = new ulong[targets.Count * rows];
                var right = new ulong[targets.Count * rows];
                for (int k = 0; k < targets.Count; k++)
                {
                    lefts[k].Span.CopyTo(left.AsSpan(k * rows, rows));
                    rights[k].Span.CopyTo(right.AsSpan(k * rows, rows));
                }
                var product = await Beaver.MultiplyRawAsync(ctx,
                    ctx.Wrap(left, [left.Length]), ctx.Wrap(right, [right.Length]), cancellationToken).ConfigureAwait(false);
                var p = product.Share.Data;                                                  // 0/1 · 0/1: exact, no truncation
                for (int k = 0; k < targets.Count; k++)
                {
                    p.AsSpan(k * rows, rows).CopyTo(targets[k].Span);
                }
            }
            blocks = merged;
        }
        var oneHot = new ulong[rows * n];
        RingOps.Transpose(blocks[0].Values, oneHot, n, rows);                              // by candidate → by row
        return oneHot;
    }

    /// <summary>Candidates left before level t of a tournament over n: ⌈n / 2^t⌉.</summary>
    private static int CandidatesAt(int n, int t) => (int)((n + (1L << t) - 1) >> t);

    /// <summary>
    /// The product of the tournament factors of levels [FirstLevel, next block's first level) for each candidate of
    /// level FirstLevel, by candidate ([Candidates × Rows]: a candidate's rows are contiguous, so a product batch takes
    /// and returns whole candidates); IsPublicOne marks candidates (the same in every row) whose product is the public
    /// 1 (unpaired at every one of these levels), whose values are this party's share of 1.
    /// </summary>
    private sealed record LevelBlock(int FirstLevel, int Candidates, int Rows, ulong[] Values, bool[] IsPublicOne)
    {
        /// <summary>Candidate c's value in every row.</summary>
        public Memory<ulong> Of(int c) => Values.AsMemory(c * Rows, Rows);
    }

    /// <summary>Rows and row length of x along its last axis; validates party, format and a non-empty last axis.</summary>
    internal static (int Rows, int Length) RowsOf(PartyContext ctx, SharedTensor x, string what)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        if (x.Share.Rank < 1 || x.Shape[^1] < 1)
        {
            throw MpcError.InvalidShape($"{what} needs a tensor whose last axis has at least one element; got [{string.Join(", ", x.Shape.ToArray())}].");
        }
        int n = x.Shape[^1];
        return (x.Length / n, n);
    }

    /// <summary>x's shape with the last axis replaced by <paramref name="length"/>.</summary>
    internal static int[] KeepLastAxis(ReadOnlySpan<int> shape, int length)
    {
        var result = shape.ToArray();
        result[^1] = length;
        return result;
    }
}
