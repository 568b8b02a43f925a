using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// Dealer-assisted truncation by f bits in one round, exact up to unbiased stochastic rounding, for any shared
/// x with |x| &lt; 2^62 (signed ring value: every product of two fixed-point factors below 2^(31−f) in magnitude).
///
/// Why local (SecureML) truncation is not used: it fails with probability ≈ |x|/2^63 per element, and a product at
/// f = 16 carries 32 fractional bits, so |x| = 1.0 already gives 2^-31 — far above our 2^-40 bar.
///
/// The protocol (a wrap-bit variant of the masked-opening truncation of Mohassel–Rindal ABY3 and Escudero et al.
/// CRYPTO 2020): the dealer shares r (uniform), r_h = ⌊r/2^f⌋ and E = e·2^(64−f) with e = 1{r ≥ 2^63}.
/// The parties open x̂ = x + 2^62 + r (x' = x + 2^62 ∈ [0, 2^63)). Over the integers x' + r = x̂ + w·2^64 with
/// w = 1{x' + r ≥ 2^64}; when e = 0 no wrap is possible (w = 0), and when e = 1 a wrap happened exactly when
/// x̂ &lt; 2^63 (a non-wrapped sum lies in [2^63, 2^64)). So w = e·1{x̂ &lt; 2^63}: a shared bit times a public one.
/// Then ⌊x'/2^f⌋ + c = ⌊x̂/2^f⌋ − r_h + w·2^(64−f) with c = 1{x̂ mod 2^f &lt; r mod 2^f} ∈ {0,1},
/// and P(c = 1) = (x mod 2^f)/2^f, so the result is x/2^f rounded up or down with expectation exactly x/2^f.
/// Online cost: 1 round, n words each way. Offline: 2n words to party 1.
/// </summary>
public static class Truncation
{
    private const ulong Offset = 1UL << 62;
    private const ulong Half = 1UL << 63;

    private static void WriteShares(ReadOnlySpan<ulong> opened, ReadOnlySpan<ulong> high, ReadOnlySpan<ulong> wrap, int bits, bool party0, Span<ulong> z)
    {
        ulong constant = party0 ? Offset >> bits : 0;
        for (int i = 0; i < z.Length; i++)
        {
            ulong xHat = opened[i];
            ulong wrapped = xHat < Half ? wrap[i] : 0;                      // w·2^(64−f) = e·2^(64−f)·1{x̂ < 2^63}
            ulong share = unchecked(wrapped - high[i]);                     // − r_h,i
            if (party0)
            {
                share = unchecked(share + (xHat >> bits) - constant);       // + ⌊x̂/2^f⌋ − 2^(62−f), once
            }
            z[i] = share;
        }
    }

    /// <summary>x / 2^f with f = the context's fractional bits.</summary>
    public static ValueTask<SharedTensor> TruncateAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return TruncateAsync(ctx, x, ctx.Format.FractionalBits, cancellationToken);
    }

    /// <summary>x / 2^bits, 1 ≤ bits ≤ 40.</summary>
    public static async ValueTask<SharedTensor> TruncateAsync(PartyContext ctx, SharedTensor x, int bits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        if (bits is < 1 or > 40)
        {
            throw MpcError.OutOfRange(nameof(bits), "Truncation shifts by 1 to 40 bits.");
        }
        int n = x.Length;
        var material = await ctx.Randomness.TakeTruncationAsync(n, bits, cancellationToken).ConfigureAwait(false);
        material.Consume(ctx.PartyId);
        using var masked = RentedWords.Rent(n);
        using var opened = RentedWords.Rent(n);
        RingOps.Add(x.Share.Span, material.Mask, masked.Span);              // x_i + r_i
        if (ctx.PartyId == 0)
        {
            RingOps.AddScalar(masked.Span, Offset, masked.Span);            // + 2^62, once
        }
        await ctx.OpenAsync(masked.Memory, opened.Memory, cancellationToken).ConfigureAwait(false);
        var z = material.Mask; // consumed above and no longer needed: holds the result
        WriteShares(opened.Span, material.MaskHigh.Span, material.WrapCorrection.Span, bits, ctx.PartyId == 0, z);
        return ctx.Wrap(z, x.Shape);
    }
}
