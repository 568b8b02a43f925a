using Imguard.Mpc.Encoding;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// Non-linear functions of shared fixed-point values by iterative approximation, after CrypTen
/// (Knott et al., NeurIPS 2021, §3.2 and <c>crypten/common/functions/approximations.py</c>): the exponential by its
/// limit, reciprocal and inverse square root by Newton–Raphson from CrypTen's initial guesses, the natural logarithm
/// by Householder iterations on the exponential, and softmax from them.
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

    /// <summary>
    /// Householder steps of <see cref="LogAsync"/>. CrypTen takes 2; from its initial guess (off by 4.9 at x = 1e-4)
    /// 2 corrected steps of order 8 leave 0.28 at x = 1e-4 (3.7e-5 from x = 1e-3 up), 3 leave 1.5e-5 in exact arithmetic.
    /// </summary>
    public const int LogIterations = 3;

    /// <summary>Smallest input of <see cref="LogAsync"/>'s stated domain (CrypTen's); probabilities need an ε added first.</summary>
    public const double LogMinimum = 1e-4;

    /// <summary>Largest input of <see cref="LogAsync"/>'s stated domain (CrypTen's).</summary>
    public const double LogMaximum = 100;

    /// <summary>Largest row length of <see cref="SoftmaxAlongLastAxisAsync"/>: the row sum, in [1, n], must lie in the reciprocal's domain.</summary>
    public const int SoftmaxMaxLength = 200;

    /// <summary>
    /// Fractional bits up to which these functions are defined: the reciprocal keeps x·y² at scale 3f
    /// (|x·y²|·2^(3f) &lt; 2^62) and truncates by 2f ≤ 40 bits; the logarithm's step sums at scale 3f too (|y| &lt; 13).
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
        return await ExpCoreAsync(ctx, x, halvings: 0, ctx.Format.FractionalBits, cancellationToken).ConfigureAwait(false);
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
        var e = await ExpCoreAsync(ctx, argument, halvings: 0, f, cancellationToken).ConfigureAwait(false);
        var y = Linear.AddPublic(ctx, Linear.MultiplyPublic(ctx, e, 3UL), format.Encode(0.003)); // y0 = 3·exp(0.5 − x) + 0.003
        for (int i = 0; i < ReciprocalIterations; i++)
        {
            y = await NewtonReciprocalStepAsync(ctx, x, y, cancellationToken).ConfigureAwait(false);
        }
        return y;
    }

    /// <summary>
    /// Newton steps <see cref="ReciprocalInRangeAsync"/> takes for x ∈ [lower, upper] at f fractional bits: from
    /// y0 = 2/(lower + upper) the relative error 1 − x·y is at most q = (upper − lower)/(upper + lower) and squares each
    /// step, so k steps leave q^(2^k); k is the least with q^(2^k) ≤ 2^−(f+2), plus one for the rounding of each step.
    /// </summary>
    public static int ReciprocalInRangeIterations(double lower, double upper, int fractionalBits)
    {
        double q = (upper - lower) / (upper + lower);
        if (q <= 0)
        {
            return 1;
        }
        double needed = (fractionalBits + 2) * Math.Log(2) / -Math.Log(q);   // 2^k ≥ this
        return Math.Max(1, (int)Math.Ceiling(Math.Log2(Math.Max(needed, 1)))) + 1;
    }

    /// <summary>
    /// 1/x for x known to lie in [<paramref name="lower"/>, <paramref name="upper"/>] (public bounds, 0 &lt; lower ≤ upper):
    /// Newton–Raphson y ← 2y − x·y² as in <see cref="ReciprocalAsync"/>, but from the public y0 = 2/(lower + upper),
    /// so the first step is local up to its truncation and no exponential is needed. For the softmax's row sums
    /// (x ∈ [1, 10]): 7 steps, 1 + 3·6 = 19 rounds, against 43.
    /// </summary>
    public static async ValueTask<SharedTensor> ReciprocalInRangeAsync(
        PartyContext ctx, SharedTensor x, double lower, double upper, CancellationToken cancellationToken = default)
    {
        RequireSupported(ctx, x, "ReciprocalInRange");
        if (!(lower > 0) || !(upper >= lower) || !double.IsFinite(upper))
        {
            throw MpcError.OutOfRange(nameof(lower), "The reciprocal's range must be 0 < lower ≤ upper.");
        }
        var format = ctx.Format;
        int f = format.FractionalBits;
        double y0 = 2 / (lower + upper);
        // First step with a public y0: 2y0 − x·y0², at scale 3f, then one truncation by 2f.
        // y0² rounded at scale 2f, not f: at upper = 200 an f-bit y0² is 8 % off, enough to leave Newton's basin.
        var first = Linear.Negate(ctx, Linear.MultiplyPublic(ctx, x, Coefficient(Math.ScaleB(y0 * y0, 2 * f))));   // −x·y0² at scale 3f
        first = Linear.AddPublic(ctx, first, Coefficient(Math.ScaleB(2 * y0, 3 * f)));                            // + 2y0 at scale 3f
        var y = await Truncation.TruncateAsync(ctx, first, 2 * f, cancellationToken).ConfigureAwait(false);
        int iterations = ReciprocalInRangeIterations(lower, upper, f);
        for (int i = 1; i < iterations; i++)
        {
            y = await NewtonReciprocalStepAsync(ctx, x, y, cancellationToken).ConfigureAwait(false);
        }
        return y;
    }

    /// <summary>y ← 2y − x·y²: y² kept untruncated (scale 2f), x·y² at scale 3f, one truncation by 2f. 3 rounds.</summary>
    private static async ValueTask<SharedTensor> NewtonReciprocalStepAsync(PartyContext ctx, SharedTensor x, SharedTensor y, CancellationToken cancellationToken)
    {
        int f = ctx.Format.FractionalBits;
        var ySquared = await Beaver.MultiplyRawAsync(ctx, y, y, cancellationToken).ConfigureAwait(false);         // y² at scale 2f
        var xySquared = await Beaver.MultiplyRawAsync(ctx, x, ySquared, cancellationToken).ConfigureAwait(false); // x·y² at scale 3f
        var twoY = Linear.MultiplyPublic(ctx, y, 2UL << (2 * f));                                                  // 2y at scale 3f
        var step = Linear.Subtract(ctx, twoY, xySquared);                                                          // y(2 − x·y) = 2y − x·y²
        return await Truncation.TruncateAsync(ctx, step, 2 * f, cancellationToken).ConfigureAwait(false);         // back to scale f
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
        var e = await ExpCoreAsync(ctx, doubleArgument, halvings: 1, f, cancellationToken).ConfigureAwait(false); // exp(−(x/2 + 0.2))
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
    /// ln x by Householder iterations on the exponential from CrypTen's initial guess (CrypTen's <c>log</c>):
    /// y0 = x/120 − 20·exp(−2x − 1) + 3, then <see cref="LogIterations"/> steps of
    /// h = 1 − x·exp(−y), y ← y − Σ_{k=1..8} h^k/k (order 8: −ln(1 − h) = Σ h^k/k makes the step exact up to h^9).
    /// <para>
    /// The exponential is the limit E(z) = (1 + z/n)^n, n = 2^<see cref="ExpIterations"/> = 256, so plain iterations
    /// converge to the root of x·E(−y) = 1, y* = n(1 − x^(−1/n)), not to ln x: CrypTen's bias, −0.17 at x = 1e-4 and
    /// −0.04 at x = 100 here (ln x = −n·ln(1 − y*/n) = y* + y*²/(2n) + y*³/(3n²) + …). Each step therefore adds
    /// g(y) = y²/(2n) + y³/(3n²) + y⁴/(4n³), so that its fixed point is ln x itself (the next term, y⁵/(5n⁴), is 3e-6
    /// at |y| = 9.2); the powers of y share the rounds of the powers of h, so the correction costs words, not rounds.
    /// exp(−y) is kept at F = f + 8 fractional bits (24 at f = 16) into the product x·exp(−y), so that its rounding
    /// is not multiplied by x (up to 100). Each step ends in one truncation of everything at scale 3f.
    /// </para>
    /// Domain: x ∈ [<see cref="LogMinimum"/>, <see cref="LogMaximum"/>] = [1e-4, 100] tested, log-uniformly and at
    /// both ends: absolute error measured ≤ 2.5 ulps on 3,000 inputs (3.3 ulps, at x ≈ 1e-4, the worst of 60,000),
    /// asserted ≤ 4 ulps (6.1e-5); relative to |ln x| that is ≤ 2.4e-4 where |ln x| &gt; 0.1 (exact arithmetic leaves
    /// 1.5e-5 at x = 1e-4 and &lt; 1e-7 from 1e-3 up: the rest is rounding).
    /// Below the domain the three steps no longer converge fully: error measured 4.2e-4 at 6e-5 (4 ulps; asserted
    /// 1e-3), 1.8e-3 at 3 ulps, 1e-2 at 2 ulps, and x = 0 gives a finite −12.19 rather than −∞ (tested: x ∈ [0, 1e-4]
    /// yields values in [−12.5, ln 1e-4 + 4 ulps]). x &lt; 0 is meaningless (h &gt; 1, the series diverges and the
    /// exponential overflows): inputs are secret, so nothing checks them. So a caller taking the log of
    /// probabilities, which softmax's roundings can leave at 0 or a few ulps below, adds a public ε first and takes
    /// ln(p + ε) with p + ε ≥ 1e-4 (SoftmaxCrossEntropy's revealed loss uses ε = 2e-4); where ε matters it is a
    /// clamp: ln(p + ε) ≥ ln ε. Above 100 the guess's x/120 term grows: in exact arithmetic x = 200 still converges
    /// and x = 300 overflows the exponential (untested).
    /// Cost: 16 + 1 (guess) + 24·<see cref="LogIterations"/> = 89 rounds (exponential 16, x·exp(−y) 2, powers of h
    /// and y in three product levels 6); 25 + 54·3 = 187 words.
    /// </summary>
    public static async ValueTask<SharedTensor> LogAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        RequireSupported(ctx, x, "Log");
        var format = ctx.Format;
        int f = format.FractionalBits;
        var argument = Linear.AddPublic(ctx, Linear.MultiplyPublic(ctx, x, unchecked((ulong)-2L)), format.Encode(-1.0)); // −2x − 1
        var e = await ExpCoreAsync(ctx, argument, halvings: 0, f, cancellationToken).ConfigureAwait(false); // exp(−2x − 1), scale f
        var guess = Linear.MultiplyPublic(ctx, x, format.Encode(1.0 / 120));                 // x/120 at scale 2f
        guess = Linear.Subtract(ctx, guess, Linear.MultiplyPublic(ctx, e, 20UL << f));      // − 20·exp(−2x − 1)
        guess = Linear.AddPublic(ctx, guess, 3UL << (2 * f));                               // + 3
        var y = await Truncation.TruncateAsync(ctx, guess, cancellationToken).ConfigureAwait(false); // y0 at scale f
        for (int i = 0; i < LogIterations; i++)
        {
            y = await LogStepAsync(ctx, x, y, cancellationToken).ConfigureAwait(false);
        }
        return y;
    }

    /// <summary>
    /// One corrected Householder step of <see cref="LogAsync"/>: y − Σ_{k=1..8} h^k/k + g(y), h = 1 − x·E(−y).
    /// 24 rounds: E(−y) 16, x·E(−y) raw and truncated 2, then three product levels of 2 rounds each —
    /// (h², y²), (h³, h⁴, y³, y⁴), (h⁵…h⁸ raw) — the last truncating the whole sum at scale 3f by 2f.
    /// </summary>
    private static async ValueTask<SharedTensor> LogStepAsync(PartyContext ctx, SharedTensor x, SharedTensor y, CancellationToken cancellationToken)
    {
        int f = ctx.Format.FractionalBits;
        int wideBits = ExpWideBits(f, halvings: 0);                                          // F
        var e = await ExpCoreAsync(ctx, Linear.Negate(ctx, y), halvings: 0, wideBits, cancellationToken).ConfigureAwait(false); // E(−y) at scale F
        var xe = await Beaver.MultiplyRawAsync(ctx, x, e, cancellationToken).ConfigureAwait(false);   // x·E(−y) at scale f + F
        xe = await Truncation.TruncateAsync(ctx, xe, wideBits, cancellationToken).ConfigureAwait(false); // scale f
        var h = Linear.AddPublic(ctx, Linear.Negate(ctx, xe), ctx.Format.One);              // h = 1 − x·E(−y)

        var level1 = await MultiplyEachAsync(ctx, [(h, h), (y, y)], f, cancellationToken).ConfigureAwait(false);
        var (h2, y2) = (level1[0], level1[1]);
        var level2 = await MultiplyEachAsync(ctx, [(h2, h), (h2, h2), (y2, y), (y2, y2)], f, cancellationToken).ConfigureAwait(false);
        var (h3, h4, y3, y4) = (level2[0], level2[1], level2[2], level2[3]);
        var high = await Beaver.MultiplyRawAsync(ctx, [(h4, h), (h4, h2), (h4, h3), (h4, h4)], cancellationToken).ConfigureAwait(false); // h⁵…h⁸ at scale 2f

        double n = Math.ScaleB(1.0, ExpIterations);
        double wide = Math.ScaleB(1.0, 2 * f);
        var sum = Linear.MultiplyPublic(ctx, y, 1UL << (2 * f));                             // y at scale 3f
        SharedTensor[] low = [h, h2, h3, h4];
        for (int k = 1; k <= 4; k++)
        {
            sum = Linear.Subtract(ctx, sum, Linear.MultiplyPublic(ctx, low[k - 1], Coefficient(wide / k)));  // − h^k/k, k ≤ 4
        }
        for (int k = 5; k <= 8; k++)
        {
            sum = Linear.Subtract(ctx, sum, Linear.MultiplyPublic(ctx, high[k - 5], Coefficient(Math.ScaleB(1.0, f) / k))); // − h^k/k, k > 4
        }
        sum = Linear.Add(ctx, sum, Linear.MultiplyPublic(ctx, y2, Coefficient(wide / (2 * n))));        // + y²/(2n)
        sum = Linear.Add(ctx, sum, Linear.MultiplyPublic(ctx, y3, Coefficient(wide / (3 * n * n))));    // + y³/(3n²)
        sum = Linear.Add(ctx, sum, Linear.MultiplyPublic(ctx, y4, Coefficient(wide / (4 * n * n * n)))); // + y⁴/(4n³)
        return await Truncation.TruncateAsync(ctx, sum, 2 * f, cancellationToken).ConfigureAwait(false); // back to scale f
    }

    /// <summary>Fixed-point products of several pairs of one shape, raw in one round and truncated by f together in a second.</summary>
    private static async ValueTask<SharedTensor[]> MultiplyEachAsync(
        PartyContext ctx, IReadOnlyList<(SharedTensor X, SharedTensor Y)> pairs, int bits, CancellationToken cancellationToken)
    {
        var raw = await Beaver.MultiplyRawAsync(ctx, pairs, cancellationToken).ConfigureAwait(false);
        int n = raw[0].Length;
        var joined = new ulong[n * raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            raw[i].Share.Span.CopyTo(joined.AsSpan(i * n, n));
        }
        var truncated = await Truncation.TruncateAsync(ctx, ctx.Wrap(joined, [joined.Length]), bits, cancellationToken).ConfigureAwait(false);
        var result = new SharedTensor[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            result[i] = ctx.Wrap(truncated.Share.Data.AsSpan(i * n, n).ToArray(), raw[i].Shape);
        }
        return result;
    }

    /// <summary>A non-negative public real rounded to a ring integer (a coefficient already carrying its scale).</summary>
    private static ulong Coefficient(double scaled) => (ulong)Math.Round(scaled);

    /// <summary>
    /// softmax along the last axis: m = row max (<see cref="Selection"/>, exact), e = exp(x − m) with x − m ≤ 0,
    /// s = Σ e (local, s ∈ [1, n] because exp(0) is exactly 1), r = 1/s (<see cref="ReciprocalInRangeAsync"/>: the
    /// known range replaces the general reciprocal's exponential guess), e·r.
    /// Domain: rows of n ≤ <see cref="SoftmaxMaxLength"/> entries whose spread max − min stays below 2^t = 256
    /// (the exponential's domain). Tested: rows of 10 logits in [−10, 10] (with ties and equal rows): absolute
    /// error per output measured 2.7e-3 (the exponential's limit error dominates), asserted ≤ 1e-2; row sums within 1e-4 of 1.
    /// Cost: ⌈log2 n⌉ comparisons and selections + 16 (exp) + the reciprocal (1 + 3·(k − 1) rounds, k = 7 for n = 10)
    /// + 2 rounds.
    /// </summary>
    public static async ValueTask<SharedTensor> SoftmaxAlongLastAxisAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        var (rows, n) = Selection.RowsOf(ctx, x, "SoftmaxAlongLastAxis");
        RequireSupported(ctx, x, "SoftmaxAlongLastAxis");
        if (n > SoftmaxMaxLength)
        {
            throw MpcError.InvalidShape($"SoftmaxAlongLastAxis supports rows of at most {SoftmaxMaxLength} entries (the reciprocal's domain); got {n}.");
        }
        var (allPairs, tree) = Selection.AllPairsRounds(ctx, n);
        var max = allPairs < tree
            ? await Selection.MaxAlongLastAxisAllPairsAsync(ctx, x, cancellationToken).ConfigureAwait(false)
            : await Selection.MaxAlongLastAxisAsync(ctx, x, cancellationToken).ConfigureAwait(false);
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
        var e = await ExpCoreAsync(ctx, ctx.Wrap(shifted, x.Shape), halvings: 0, ctx.Format.FractionalBits, cancellationToken).ConfigureAwait(false);
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
        var inverse = await ReciprocalInRangeAsync(ctx, ctx.Wrap(sums, Selection.KeepLastAxis(x.Shape, 1)), 1, n, cancellationToken).ConfigureAwait(false);
        var spread = new ulong[x.Length];
        var inverseData = inverse.Share.Data;
        for (int r = 0; r < rows; r++)
        {
            Array.Fill(spread, inverseData[r], r * n, n);                                    // 1/s broadcast along the row
        }
        return await Beaver.MultiplyAsync(ctx, e, ctx.Wrap(spread, x.Shape), cancellationToken).ConfigureAwait(false); // e/s
    }

    /// <summary>
    /// exp(x/2^h) ≈ (1 + x/2^(t+h))^(2^t). The base is kept at F = <see cref="ExpWideBits"/> fractional bits,
    /// so x/2^(t+h) at scale F is x's own ring value shifted right by only t + h − (F − f) bits (no truncation when 0).
    /// Each squaring truncates by F, the last by 2F − <paramref name="outputBits"/> to land at scale outputBits
    /// (f, or up to F for a caller that multiplies the result by something large).
    /// </summary>
    private static async ValueTask<SharedTensor> ExpCoreAsync(PartyContext ctx, SharedTensor x, int halvings, int outputBits, CancellationToken cancellationToken)
    {
        const int t = ExpIterations;
        int f = ctx.Format.FractionalBits;
        int shift = t + halvings;
        int wideBits = ExpWideBits(f, halvings);                                             // F
        int extra = wideBits - f;
        var scaled = shift > extra
            ? await Truncation.TruncateAsync(ctx, x, shift - extra, cancellationToken).ConfigureAwait(false)
            : x;                                                                             // x/2^(t+h) at scale F
        var y = Linear.AddPublic(ctx, scaled, 1UL << wideBits);                              // y0 = 1 + x/2^(t+h)
        for (int i = 1; i <= t; i++)
        {
            var square = await Beaver.MultiplyRawAsync(ctx, y, y, cancellationToken).ConfigureAwait(false); // y² at scale 2F
            int bits = i == t ? 2 * wideBits - outputBits : wideBits;
            y = await Truncation.TruncateAsync(ctx, square, bits, cancellationToken).ConfigureAwait(false); // scale F (last: outputBits)
        }
        return y;
    }

    /// <summary>F = f + min(t + h, 24 − f): the exponential's working precision (24 bits while f ≤ 16 + t + h).</summary>
    private static int ExpWideBits(int f, int halvings) => f + Math.Clamp(24 - f, 0, ExpIterations + halvings);

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
