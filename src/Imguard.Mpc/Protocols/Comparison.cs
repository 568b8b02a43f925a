using Imguard.Mpc.Fss;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// DReLU and ReLU, by the protocol the context names (<see cref="PartyContext.Comparison"/>): the binary circuit of
/// <see cref="BinaryComparison"/> (default: about 28 dealer bytes per ReLU, 7 rounds at ℓ = 32) or, below, function
/// secret sharing (1 round, about 1 KB of dealer keys to each party per ReLU).
/// DCF: DReLU and ReLU by function secret sharing: a distributed comparison function (DCF) on the masked input (Boyle,
/// Chandran, Gilboa, Gupta, Ishai, Kumar, Rathee, Eurocrypt 2021, §4 "DReLU from DCF").
/// For ℓ-bit inputs (ctx.ComparisonBits; exact when the signed value lies in [−2^(ℓ−1), 2^(ℓ−1))): open
/// x̂ = x + r. With y = x mod 2^ℓ, ŷ = x̂ mod 2^ℓ = a·2^(ℓ−1) + ŷ', ρ = r mod 2^ℓ = b·2^(ℓ−1) + ρ':
/// MSB(y) = a ⊕ b ⊕ 1{ŷ' &lt; ρ'}. The DCF key (α = ρ', payload 1 − 2b) plus the dealer's share of b gives shares of
/// d = b ⊕ 1{ŷ' &lt; ρ'}; DReLU = 1 − (a ⊕ d) is then local because a is public.
/// ReLU in the same single round: ReLU(x) = DReLU·(x̂ − r); the DCF's second payload word (1 − 2b)·r and the
/// dealer's share of b·r give shares of d·r, so DReLU·r needs no Beaver product.
/// Online cost: 1 round, n words each way; local: (2ℓ − 1) fixed-key AES blocks per element.
/// Offline (both parties): n·((ℓ−1)(2+p) + p) words of DCF corrections, p = 1 (DReLU) or 2 (ReLU).
/// </summary>
public static class Comparison
{
    /// <summary>Shares of 1{x ≥ 0} as ring integers 0/1 (not fixed-point). <see cref="Rounds(PartyContext)"/> rounds.</summary>
    public static async ValueTask<SharedTensor> DReluAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        if (ctx.Comparison == ComparisonProtocol.BinaryCircuit)
        {
            var (openedX, sign, _) = await BinaryComparison.SignAsync(ctx, x, withProduct: false, cancellationToken).ConfigureAwait(false);
            openedX.Dispose();
            return ctx.Wrap(sign, x.Shape);
        }
        var (openedWords, material, dcf) = await OpenAndEvaluateAsync(ctx, x, withProduct: false, cancellationToken).ConfigureAwait(false);
        using var _ = openedWords;
        var opened = openedWords.Span;
        int n = x.Length, bits = material.Bits;
        bool party0 = ctx.PartyId == 0;
        var z = material.Mask; // consumed and no longer needed: holds the result
        for (int i = 0; i < n; i++)
        {
            ulong d = unchecked(material.MaskTopBit[i] + dcf[i]);          // share of d = b ⊕ carry
            ulong a = (opened[i] >> (bits - 1)) & 1;                        // public top bit of x̂ mod 2^ℓ
            // DReLU = 1 − (a ⊕ d): a = 0 → 1 − d, a = 1 → d
            z[i] = a == 1 ? d : unchecked((party0 ? 1UL : 0UL) - d);
        }
        return ctx.Wrap(z, x.Shape);
    }

    /// <summary>max(x, 0), same format as x. <see cref="Rounds(PartyContext)"/> rounds.</summary>
    public static async ValueTask<SharedTensor> ReluAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        var (relu, _) = await ReluCoreAsync(ctx, x, withDerivative: false, cancellationToken).ConfigureAwait(false);
        return relu;
    }

    /// <summary>
    /// max(x, 0) and its derivative 1{x ≥ 0} (ring integers 0/1, what the backward pass multiplies gradients
    /// by), from the same comparison: both protocols already yield shares of the sign bit.
    /// </summary>
    public static async ValueTask<(SharedTensor Relu, SharedTensor Derivative)> ReluWithDerivativeAsync(
        PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        var (relu, derivative) = await ReluCoreAsync(ctx, x, withDerivative: true, cancellationToken).ConfigureAwait(false);
        return (relu, derivative!);
    }

    /// <summary>
    /// As <see cref="ReluWithDerivativeAsync"/> for a ReLU whose backward pass follows: with the binary circuit the
    /// derivative also carries shares of a dealer mask u and of u·s, so that
    /// <see cref="MultiplyByDerivativeAsync"/> opens g − u alone (8 bytes per element each way instead of a Beaver
    /// product's 16); the forward costs the same online and 8 more dealer bytes per element to party 1. With DCF
    /// comparisons the derivative is the plain sign and the backward product is a Beaver product.
    /// </summary>
    public static async ValueTask<(SharedTensor Relu, ReluDerivative Derivative)> ReluForBackwardAsync(
        PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        if (ctx.Comparison != ComparisonProtocol.BinaryCircuit)
        {
            var (relu, sign) = await ReluCoreAsync(ctx, x, withDerivative: true, cancellationToken).ConfigureAwait(false);
            return (relu, new ReluDerivative(sign!, null, null));
        }
        var (openedX, derivative, signTimesMask) = await BinaryComparison.SignForBackwardAsync(ctx, x, cancellationToken).ConfigureAwait(false);
        using (openedX)
        {
            var xHat = openedX.Span;
            var s = derivative.Sign.Share.Data;
            var output = signTimesMask; // s·r, read before it is overwritten element by element
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = unchecked(s[i] * xHat[i] - output[i]);          // s·x = s·x̂ − s·r
            }
            return (ctx.Wrap(output, x.Shape), derivative);
        }
    }

    /// <summary>
    /// g·s for the derivative s of <see cref="ReluForBackwardAsync"/> (no truncation: s is a 0/1 integer). With its
    /// mask u and u·s: open δ = g − u (1 round, 1 word per element each way), then g·s = δ·s + u·s — a Beaver product
    /// whose second factor needs no opening, because the dealer's triple is built on the same bit. Without them, a
    /// Beaver product (2 words per element). Each derivative's mask may be used once.
    /// </summary>
    public static async ValueTask<SharedTensor> MultiplyByDerivativeAsync(
        PartyContext ctx, SharedTensor gradient, ReluDerivative derivative, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(derivative);
        ctx.Check(gradient);
        ctx.Check(derivative.Sign);
        Linear.RequireSameShape("MultiplyByDerivative", gradient.Shape, derivative.Sign.Shape);
        var (mask, maskTimesSign) = derivative.TakeMask();
        if (mask is null || maskTimesSign is null)
        {
            return await Beaver.MultiplyRawAsync(ctx, gradient, derivative.Sign, cancellationToken).ConfigureAwait(false);
        }
        int n = gradient.Length;
        var g = gradient.Share.Data;
        var s = derivative.Sign.Share.Data;
        using var masked = RentedWords.Rent(n);
        using var opened = RentedWords.Rent(n);
        RingOps.Subtract(g, mask, masked.Span);                                   // g − u
        await ctx.OpenAsync(masked.Memory, opened.Memory, cancellationToken).ConfigureAwait(false);
        var delta = opened.Span;
        var product = maskTimesSign; // handed over by the derivative, never used again: holds the result
        for (int i = 0; i < n; i++)
        {
            product[i] = unchecked(delta[i] * s[i] + product[i]);                 // δ·s + u·s
        }
        return ctx.Wrap(product, gradient.Shape);
    }

    /// <summary>Online rounds of one comparison (DReLU, ReLU or a max step) in <paramref name="ctx"/>.</summary>
    public static int Rounds(PartyContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return Rounds(ctx.Comparison, ctx.ComparisonBits);
    }

    /// <summary>Online rounds of one comparison of <paramref name="bits"/>-bit values by <paramref name="protocol"/>.</summary>
    public static int Rounds(ComparisonProtocol protocol, int bits) =>
        protocol == ComparisonProtocol.BinaryCircuit ? BinaryComparison.Rounds(bits) : 1;

    /// <summary>Bytes one party sends the other for one comparison (DReLU or ReLU) of <paramref name="elements"/> values.</summary>
    public static long BytesSent(ComparisonProtocol protocol, int bits, int elements) =>
        protocol == ComparisonProtocol.BinaryCircuit ? BinaryComparison.BytesSent(bits, elements) : 8L * elements;

    private static async ValueTask<(SharedTensor Relu, SharedTensor? Derivative)> ReluCoreAsync(
        PartyContext ctx, SharedTensor x, bool withDerivative, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        if (ctx.Comparison == ComparisonProtocol.BinaryCircuit)
        {
            var (openedX, sign, signTimesMask) = await BinaryComparison.SignAsync(ctx, x, withProduct: true, cancellationToken).ConfigureAwait(false);
            using (openedX)
            {
                var xHat = openedX.Span;
                var relu = signTimesMask!; // s·r, read before it is overwritten element by element
                for (int i = 0; i < relu.Length; i++)
                {
                    relu[i] = unchecked(sign[i] * xHat[i] - relu[i]);              // s·x = s·x̂ − s·r
                }
                return (ctx.Wrap(relu, x.Shape), withDerivative ? ctx.Wrap(sign, x.Shape) : null);
            }
        }
        var (openedWords, material, dcf) = await OpenAndEvaluateAsync(ctx, x, withProduct: true, cancellationToken).ConfigureAwait(false);
        using var _ = openedWords;
        var opened = openedWords.Span;
        int n = x.Length, bits = material.Bits;
        bool party0 = ctx.PartyId == 0;
        var mask = material.Mask;
        var topBit = material.MaskTopBit;
        var topBitTimesMask = material.MaskTopBitTimesMask!;
        var z = mask; // element i of the mask is read before element i of the result is written
        var derivative = withDerivative ? new ulong[n] : null;
        for (int i = 0; i < n; i++)
        {
            ulong xHat = opened[i];
            ulong d = unchecked(topBit[i] + dcf[2 * i]);                    // share of d
            ulong dr = unchecked(topBitTimesMask[i] + dcf[2 * i + 1]);      // share of d·r
            ulong a = (xHat >> (bits - 1)) & 1;
            z[i] = a == 1
                ? unchecked(d * xHat - dr)                                  // DReLU = d:     d·x̂ − d·r
                : unchecked((party0 ? xHat : 0) - d * xHat - mask[i] + dr); // DReLU = 1 − d: (1−d)·x̂ − r + d·r
            if (derivative is not null)
            {
                derivative[i] = a == 1 ? d : unchecked((party0 ? 1UL : 0UL) - d);
            }
        }
        return (ctx.Wrap(z, x.Shape), derivative is null ? null : ctx.Wrap(derivative, x.Shape));
    }

    private static async ValueTask<(RentedWords Opened, Preprocessing.SignMaterial Material, ulong[] Dcf)> OpenAndEvaluateAsync(
        PartyContext ctx, SharedTensor x, bool withProduct, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        int n = x.Length, bits = ctx.ComparisonBits;
        var material = await ctx.Randomness.TakeSignAsync(n, bits, withProduct, cancellationToken).ConfigureAwait(false);
        material.Consume(ctx.PartyId);
        using var masked = RentedWords.Rent(n);
        var opened = RentedWords.Rent(n);
        try
        {
            RingOps.Add(x.Share.Span, material.Mask, masked.Span);          // x_i + r_i
            await ctx.OpenAsync(masked.Memory, opened.Memory, cancellationToken).ConfigureAwait(false);
            int domain = bits - 1;
            ulong lowMask = (1UL << domain) - 1;
            var inputs = masked.Span; // reuse as the DCF inputs ŷ' = x̂ mod 2^(ℓ−1)
            var openedSpan = opened.Span;
            for (int i = 0; i < n; i++)
            {
                inputs[i] = openedSpan[i] & lowMask;
            }
            int payload = material.PayloadWords;
            var dcf = new ulong[n * payload];
            EvaluateParallel(ctx, domain, payload, material, masked, dcf);
            return (opened, material, dcf);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    private static void EvaluateParallel(PartyContext ctx, int domain, int payload, Preprocessing.SignMaterial material, RentedWords inputWords, ulong[] output)
    {
        var inputs = inputWords.Memory;
        int n = inputs.Length;
        int threads = ctx.MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : ctx.MaxDegreeOfParallelism;
        int stride = Dcf.CorrectionWords(domain, payload);
        const int MinPerThread = 1024;
        int chunks = Math.Max(1, Math.Min(threads, n / MinPerThread));
        if (chunks == 1)
        {
            Dcf.Evaluate(ctx.PartyId, domain, payload, material.DcfRoots, material.DcfCorrections, inputs.Span, output);
            return;
        }
        int per = (n + chunks - 1) / chunks;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
        {
            int start = c * per, count = Math.Min(per, n - start);
            if (count <= 0)
            {
                return;
            }
            Dcf.Evaluate(ctx.PartyId, domain, payload,
                material.DcfRoots.AsSpan(2 * start, 2 * count),
                material.DcfCorrections.AsSpan(start * stride, count * stride),
                inputs.Span.Slice(start, count),
                output.AsSpan(start * payload, count * payload));
        });
    }
}
