using Imguard.Mpc.Encoding;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// Non-linear functions of shared fixed-point values by iterative approximation, after CrypTen
/// (Knott et al., NeurIPS 2021, §3.2 and <c>crypten/common/functions/approximations.py</c>): the exponential by its
/// limit, reciprocal and inverse square root by Newton–Raphson from CrypTen's initial guesses, and softmax from them.
/// Each method states its domain (outside it the result degrades or is meaningless: inputs are secret, so nothing
/// checks them), its error as measured by <c>FunctionTests</c>, and its online cost at f = 16. A "word" is 8 bytes
/// sent each way per element; products are <see cref="Beaver.MultiplyRawAsync(PartyContext, SharedTensor, SharedTensor, CancellationToken)"/>
/// (1 round, 2 words) followed by one <see cref="Truncation"/> (1 round, 1 word), with the scale chosen so that a
/// whole Newton step needs one truncation where possible.
/// </summary>
public static class Functions
{
    /// <summary>t: exp(x) ≈ (1 + x/2^t)^(2^t), t squarings.</summary>
    public const int ExpIterations = 8;

    /// <summary>
    /// Newton steps of <see cref="ReciprocalAsync"/>: the initial error 1 − x·y0 ≤ 0.97 (at x ≈ 10) is squared by each
    /// step, 0.97^(2^9) ≈ 8e-8 in exact arithmetic (8 steps leave 3e-4); measured, 9 steps reach the 1-ulp floor.
    /// </summary>
    public const int ReciprocalIterations = 9;

    /// <summary>Newton steps of <see cref="InverseSquareRootAsync"/>: 4 leave 3.6e-5 relative (8 ulps measured near x = 0.1), 5 reach the 1-ulp floor.</summary>
    public const int InverseSquareRootIterations = 5;

    /// <summary>Largest row length of <see cref="SoftmaxAlongLastAxisAsync"/>: the row sum, in [1, n], must lie in the reciprocal's domain.</summary>
    public const int SoftmaxMaxLength = 200;

    /// <summary>
    /// Fractional bits up to which these functions are defined: the reciprocal keeps x·y² at scale 3f
    /// (|x·y²|·2^(3f) &lt; 2^62) and truncates by 2f ≤ 40 bits.
    /// </summary>
    public const int MaxFractionalBits = 18;

    /// <summary>
    /// exp(x) ≈ (1 + x/2^t)^(2^t), t = <see cref="ExpIterations"/> (CrypTen's <c>exp</c>, "limit" method).
    /// The squarings run at F = f + t fractional bits (while f ≤ 16), so the first division by 2^t is free and exact
    /// and each squaring's truncation error, amplified up to 2^t times by the later squarings, stays far below an ulp
    /// of the result: the error is that of the limit itself, exp(x)·(1 − e^(−x²/2^(t+1)+O(x³/4^t))).
    /// Domain: x ∈ [−16, 2] tested: |error| ≤ 1.1·e^x·x²/2^(t+1) + 4 ulps asserted; measured max absolute error
    /// 0.057 (at x = 2), ≤ 1.06e-3 for x ≤ 0 (asserted 1.2e-3), relative 0.78 % on [−2, 2] (asserted 0.85 %).
    /// The result stays in [0, e^x] for all x ∈ [−2^t, 0] (tested down to −256). Below −2^t the base 1 + x/2^t is
    /// negative and the result is meaningless (small until −2^(t+1), then huge); above x ≈ 9.7 the last squaring
    /// leaves the truncation's range (e^x·2^(2F) ≥ 2^62) at f = 16. Softmax only feeds x ≤ 0.
    /// Cost: 2t = 16 rounds, 3t = 24 words (one more round and word when f &gt; 16).
    /// </summary>
    public static async ValueTask<SharedTensor> ExpAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        RequireSupported(ctx, x, "Exp");
        return await ExpCoreAsync(ctx, x, halvings: 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// 1/x by Newton–Raphson y ← y(2 − x·y) from y0 = 3·exp(0.5 − x) + 0.003 (CrypTen's <c>reciprocal</c>, "NR").
    /// Each step is 2y − x·y² with y² kept untruncated (scale 2f) and x·y² at scale 3f, so one truncation by 2f
    /// per step. Newton converges from any y0 ∈ (0, 2/x); this guess gives 1 − x·y0 ∈ [−0.83, 0.97] on [1, 256].
    /// Domain: x ∈ [1, 200] tested: absolute error measured &lt; 1 ulp, asserted ≤ 2 ulps (relative up to 3e-3
    /// at x = 200, where 1/x is only 328 ulps). Needs x ≤ 256 (the guess's exponential) and x ≥ 1 for the stated accuracy
    /// (x ∈ [0.1, 1] converges too, slower near 0).
    /// Cost: 16 (exp) + 3·<see cref="ReciprocalIterations"/> = 43 rounds, 24 + 5·9 = 69 words.
    /// </summary>
    public static async ValueTask<SharedTensor> ReciprocalAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        RequireSupported(ctx, x, "Reciprocal");
        var format = ctx.Format;
        int f = format.FractionalBits;
        var argument = Linear.AddPublic(ctx, Linear.Negate(ctx, x), format.Encode(0.5));    // 0.5 − x
        var e = await ExpCoreAsync(ctx, argument, halvings: 0, cancellationToken).ConfigureAwait(false);
        var y = Linear.AddPublic(ctx, Linear.MultiplyPublic(ctx, e, 3UL), format.Encode(0.003)); // y0 = 3·exp(0.5 − x) + 0.003
        for (int i = 0; i < ReciprocalIterations; i++)
        {
            var ySquared = await Beaver.MultiplyRawAsync(ctx, y, y, cancellationToken).ConfigureAwait(false);   // y² at scale 2f
            var xySquared = await Beaver.MultiplyRawAsync(ctx, x, ySquared, cancellationToken).ConfigureAwait(false); // x·y² at scale 3f
            var twoY = Linear.MultiplyPublic(ctx, y, 2UL << (2 * f));                        // 2y at scale 3f
            var step = Linear.Subtract(ctx, twoY, xySquared);                                // y(2 − x·y) = 2y − x·y²
            y = await Truncation.TruncateAsync(ctx, step, 2 * f, cancellationToken).ConfigureAwait(false); // back to scale f
        }
        return y;
    }

    /// <summary>
    /// 1/√x by Newton–Raphson y ← y(3 − x·y²)/2 from y0 = 2.2·exp(−(x/2 + 0.2)) + 0.2 − x/1024
    /// (CrypTen's <c>inv_sqrt</c>). Each step computes y² and x·y in one batched product; y² stays untruncated
    /// (scale 2f) and x·y is truncated to scale f + g (g = min(39 − 2f, f − 1) guard bits, 7 at f = 16), so that
    /// neither factor's rounding is amplified by the other (|x·y| ≤ 10, y² ≤ 10 on the domain); then
    /// (3y − x·y³)/2 at scale 3f + g takes a single truncation by 2f + g + 1 ≤ 40 bits.
    /// Domain: x ∈ [0.1, 100] tested: absolute error measured &lt; 1 ulp, asserted ≤ 2 ulps; relative ≤ 1.4e-4
    /// (the guess is within a factor 0.6–1.3 of 1/√x; exact arithmetic reaches 2e-9 after 5 steps). Beyond x ≈ 150 the guess falls towards 0 and the
    /// convergence slows; the result is meaningless for x ≤ 0.
    /// Cost: 1 + 16 (exp of −x/2 − 0.2) + 1 (guess) + 4·<see cref="InverseSquareRootIterations"/> = 38 rounds,
    /// 26 + 8·5 = 66 words.
    /// </summary>
    public static async ValueTask<SharedTensor> InverseSquareRootAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        RequireSupported(ctx, x, "InverseSquareRoot");
        var format = ctx.Format;
        int f = format.FractionalBits;
        var wide = new FixedPointFormat(2 * f);
        var doubleArgument = Linear.AddPublic(ctx, Linear.Negate(ctx, x), format.Encode(-0.4)); // 2·(−(x/2 + 0.2)) = −x − 0.4
        var e = await ExpCoreAsync(ctx, doubleArgument, halvings: 1, cancellationToken).ConfigureAwait(false); // exp(−(x/2 + 0.2))
        var guess = Linear.MultiplyPublic(ctx, e, format.Encode(2.2));                       // 2.2·exp(…) at scale 2f
        guess = Linear.AddPublic(ctx, guess, wide.Encode(0.2));                              // + 0.2
        guess = Linear.Subtract(ctx, guess, Linear.MultiplyPublic(ctx, x, format.Encode(1.0 / 1024))); // − x/1024
        var y = await Truncation.TruncateAsync(ctx, guess, cancellationToken).ConfigureAwait(false);   // y0 at scale f
        int guard = Math.Min(39 - 2 * f, f - 1);                                          // g extra bits kept on x·y
        for (int i = 0; i < InverseSquareRootIterations; i++)
        {
            var raw = await Beaver.MultiplyRawAsync(ctx, [(y, y), (x, y)], cancellationToken).ConfigureAwait(false); // y², x·y at scale 2f
            var ySquared = raw[0];                                                           // kept untruncated: scale 2f
            var xy = await Truncation.TruncateAsync(ctx, raw[1], f - guard, cancellationToken).ConfigureAwait(false); // x·y at scale f + g
            var xyCubed = await Beaver.MultiplyRawAsync(ctx, xy, ySquared, cancellationToken).ConfigureAwait(false); // x·y³ at scale 3f + g
            var threeY = Linear.MultiplyPublic(ctx, y, 3UL << (2 * f + guard));              // 3y at scale 3f + g
            var step = Linear.Subtract(ctx, threeY, xyCubed);                                // y(3 − x·y²) = 3y − x·y³
            y = await Truncation.TruncateAsync(ctx, step, 2 * f + guard + 1, cancellationToken).ConfigureAwait(false); // /2, back to scale f
        }
        return y;
    }

    /// <summary>
    /// softmax along the last axis: m = row max (<see cref="Selection"/>, exact), e = exp(x − m) with x − m ≤ 0,
    /// s = Σ e (local, s ∈ [1, n] because exp(0) is exactly 1), r = 1/s (<see cref="ReciprocalAsync"/>), e·r.
    /// Domain: rows of n ≤ <see cref="SoftmaxMaxLength"/> entries whose spread max − min stays below 2^t = 256
    /// (the exponential's domain). Tested: rows of 10 logits in [−10, 10] (with ties and equal rows): absolute
    /// error per output measured 2.7e-3 (the exponential's limit error dominates), asserted ≤ 1e-2; row sums within 1e-4 of 1.
    /// Cost: ⌈log2 n⌉ + 16 + 43 + 2 rounds (65 for n = 10); per element 1 + 24 + 3 words plus 69 per row.
    /// </summary>
    public static async ValueTask<SharedTensor> SoftmaxAlongLastAxisAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        var (rows, n) = Selection.RowsOf(ctx, x, "SoftmaxAlongLastAxis");
        RequireSupported(ctx, x, "SoftmaxAlongLastAxis");
        if (n > SoftmaxMaxLength)
        {
            throw MpcError.InvalidShape($"SoftmaxAlongLastAxis supports rows of at most {SoftmaxMaxLength} entries (the reciprocal's domain); got {n}.");
        }
        var max = await Selection.MaxAlongLastAxisAsync(ctx, x, cancellationToken).ConfigureAwait(false);
        var shifted = new ulong[x.Length];
        var source = x.Share.Data;
        var rowMax = max.Share.Data;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < n; j++)
            {
                shifted[r * n + j] = unchecked(source[r * n + j] - rowMax[r]);               // x − m ≤ 0
            }
        }
        var e = await ExpCoreAsync(ctx, ctx.Wrap(shifted, x.Shape), halvings: 0, cancellationToken).ConfigureAwait(false);
        var sums = new ulong[rows];
        var exponentials = e.Share.Data;
        for (int r = 0; r < rows; r++)
        {
            ulong sum = 0;
            for (int j = 0; j < n; j++)
            {
                sum = unchecked(sum + exponentials[r * n + j]);                              // s = Σ exp(x − m)
            }
            sums[r] = sum;
        }
        var inverse = await ReciprocalAsync(ctx, ctx.Wrap(sums, Selection.KeepLastAxis(x.Shape, 1)), cancellationToken).ConfigureAwait(false);
        var spread = new ulong[x.Length];
        var inverseData = inverse.Share.Data;
        for (int r = 0; r < rows; r++)
        {
            Array.Fill(spread, inverseData[r], r * n, n);                                    // 1/s broadcast along the row
        }
        return await Beaver.MultiplyAsync(ctx, e, ctx.Wrap(spread, x.Shape), cancellationToken).ConfigureAwait(false); // e/s
    }

    /// <summary>
    /// exp(x/2^h) ≈ (1 + x/2^(t+h))^(2^t). The base is kept at F = f + extra fractional bits, extra = min(t + h, 24 − f),
    /// so x/2^(t+h) at scale F is x's own ring value shifted right by only t + h − extra bits (no truncation when 0).
    /// Each squaring truncates by F, the last by 2F − f to land at scale f.
    /// </summary>
    private static async ValueTask<SharedTensor> ExpCoreAsync(PartyContext ctx, SharedTensor x, int halvings, CancellationToken cancellationToken)
    {
        const int t = ExpIterations;
        int f = ctx.Format.FractionalBits;
        int shift = t + halvings;
        int extra = Math.Clamp(24 - f, 0, shift);
        int wideBits = f + extra;                                                            // F
        var scaled = shift > extra
            ? await Truncation.TruncateAsync(ctx, x, shift - extra, cancellationToken).ConfigureAwait(false)
            : x;                                                                             // x/2^(t+h) at scale F
        var y = Linear.AddPublic(ctx, scaled, 1UL << wideBits);                              // y0 = 1 + x/2^(t+h)
        for (int i = 1; i <= t; i++)
        {
            var square = await Beaver.MultiplyRawAsync(ctx, y, y, cancellationToken).ConfigureAwait(false); // y² at scale 2F
            int bits = i == t ? 2 * wideBits - f : wideBits;
            y = await Truncation.TruncateAsync(ctx, square, bits, cancellationToken).ConfigureAwait(false); // scale F (last: f)
        }
        return y;
    }

    private static void RequireSupported(PartyContext ctx, SharedTensor x, string what)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        if (ctx.Format.FractionalBits > MaxFractionalBits)
        {
            throw MpcError.UnsupportedFormat(what, ctx.Format.FractionalBits, MaxFractionalBits);
        }
    }
}
