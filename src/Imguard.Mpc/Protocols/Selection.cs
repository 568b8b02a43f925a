using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// Maximum and arg-max of shared values from the one-round FSS comparisons of <see cref="Comparison"/>
/// (max(x, y) = y + ReLU(x − y) as in CrypTen's <c>max</c>/<c>argmax</c> "pairwise" tree; ReLU and DReLU by DCF,
/// Boyle et al., Eurocrypt 2021, §4). Exact: no truncation anywhere, the results are the inputs' ring values.
/// Valid while every difference x − y lies in the comparison range of <see cref="PartyContext.ComparisonBits"/>
/// (the whole ring at ℓ = 64: any two fixed-point values below 2^(62−f) in magnitude).
/// Online cost, n = length of the last axis:
///   Max: 1 round, 1 word/element each way.
///   MaxAlongLastAxis: ⌈log2 n⌉ rounds (every pair of a level in one ReLU), n − 1 words per row each way.
///   ArgMaxAlongLastAxis: 2⌈log2 n⌉ rounds (DReLU, then one batched raw product per level), per row each way
///   at most 3(n − 1) + 2n⌈log2 n⌉ words (each candidate's one-hot segment only spans its own subtree).
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
        var current = (ulong[])x.Share.Data.Clone();
        int width = n;
        while (width > 1 && rows > 0)
        {
            int pairs = width / 2;
            int next = pairs + (width % 2);
            var difference = new ulong[rows * pairs];
            for (int r = 0; r < rows; r++)
            {
                for (int p = 0; p < pairs; p++)
                {
                    int left = r * width + 2 * p;
                    difference[r * pairs + p] = unchecked(current[left] - current[left + 1]);   // a − b
                }
            }
            var positivePart = await Comparison.ReluAsync(ctx, ctx.Wrap(difference, [rows * pairs]), cancellationToken).ConfigureAwait(false);
            var relu = positivePart.Share.Data;
            var merged = new ulong[rows * next];
            for (int r = 0; r < rows; r++)
            {
                for (int p = 0; p < pairs; p++)
                {
                    merged[r * next + p] = unchecked(current[r * width + 2 * p + 1] + relu[r * pairs + p]); // b + ReLU(a − b)
                }
                if (next > pairs)
                {
                    merged[r * next + pairs] = current[r * width + width - 1];                  // odd one out goes up unchanged
                }
            }
            current = merged;
            width = next;
        }
        return ctx.Wrap(current, KeepLastAxis(x.Shape, 1));
    }

    /// <summary>
    /// A one-hot tensor of x's shape marking each row's maximum along the last axis, as ring integers 0/1 (not
    /// fixed-point). Exactly one 1 per row; ties go to the lowest index. 2⌈log2 n⌉ rounds.
    /// </summary>
    public static async ValueTask<SharedTensor> ArgMaxAlongLastAxisAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        var (rows, n) = RowsOf(ctx, x, "ArgMaxAlongLastAxis");
        var values = (ulong[])x.Share.Data.Clone();
        // One-hot of the whole row, each candidate owning the segment [start[c], start[c + 1]) of its subtree.
        var oneHot = new ulong[rows * n];
        if (ctx.PartyId == 0)
        {
            Array.Fill(oneHot, 1UL);                                                         // every leaf is its own arg-max: public 1
        }
        var start = Enumerable.Range(0, n + 1).ToArray();
        int width = n;
        while (width > 1 && rows > 0)
        {
            int pairs = width / 2;
            int next = pairs + (width % 2);
            int covered = start[2 * pairs];                                                  // row positions inside some pair
            var difference = new ulong[rows * pairs];
            for (int r = 0; r < rows; r++)
            {
                for (int p = 0; p < pairs; p++)
                {
                    int left = r * width + 2 * p;
                    difference[r * pairs + p] = unchecked(values[left] - values[left + 1]);     // a − b
                }
            }
            var differenceShare = ctx.Wrap(difference, [rows * pairs]);
            var leftWins = await Comparison.DReluAsync(ctx, differenceShare, cancellationToken).ConfigureAwait(false); // β = 1{a ≥ b}
            var beta = leftWins.Share.Data;
            var pairOf = new int[covered];
            for (int p = 0; p < pairs; p++)
            {
                Array.Fill(pairOf, p, start[2 * p], start[2 * p + 2] - start[2 * p]);
            }
            var betaSpread = new ulong[rows * covered];
            var segment = new ulong[rows * covered];
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < covered; j++)
                {
                    betaSpread[r * covered + j] = beta[r * pairs + pairOf[j]];
                    segment[r * covered + j] = oneHot[r * n + j];
                }
            }
            var products = await Beaver.MultiplyRawAsync(ctx,
                [(leftWins, differenceShare), (ctx.Wrap(betaSpread, [rows * covered]), ctx.Wrap(segment, [rows * covered]))],
                cancellationToken).ConfigureAwait(false);                                    // β·(a − b) and β·h, one round
            var betaDifference = products[0].Share.Data;
            var betaSegment = products[1].Share.Data;
            var merged = new ulong[rows * next];
            for (int r = 0; r < rows; r++)
            {
                for (int p = 0; p < pairs; p++)
                {
                    merged[r * next + p] = unchecked(values[r * width + 2 * p + 1] + betaDifference[r * pairs + p]); // b + β·(a − b)
                }
                if (next > pairs)
                {
                    merged[r * next + pairs] = values[r * width + width - 1];
                }
                for (int j = 0; j < covered; j++)
                {
                    int p = pairOf[j];
                    int i = r * n + j;
                    oneHot[i] = j < start[2 * p + 1]
                        ? betaSegment[r * covered + j]                                       // left segment: β·h_a
                        : unchecked(oneHot[i] - betaSegment[r * covered + j]);               // right segment: (1 − β)·h_b
                }
            }
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
