using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// Products of two shared values with Beaver triples (Beaver, CRYPTO 1991; matrix form: Mohassel–Zhang, SecureML,
/// S&amp;P 2017, §4.2). With a triple (a, b, c = a·b): open e = x − a and f = y − b together, then
/// z_i = c_i + e·b_i + a_i·f (+ e·f for party 0). e and f are uniformly masked, so the openings reveal nothing.
/// Online cost: 1 round; element-wise n: 2n words each way; matmul (m,k,n): m·k + k·n words each way.
/// The <c>Raw</c> variants return the untruncated product (2f fractional bits for two fixed-point inputs, or f when
/// one input is a 0/1 integer); the others truncate by f (<see cref="Truncation"/>, one more round).
/// </summary>
public static class Beaver
{
    /// <summary>Fixed-point x ⊙ y, truncated. 2 rounds.</summary>
    public static async ValueTask<SharedTensor> MultiplyAsync(PartyContext ctx, SharedTensor x, SharedTensor y, CancellationToken cancellationToken = default)
    {
        var raw = await MultiplyRawAsync(ctx, x, y, cancellationToken).ConfigureAwait(false);
        return await Truncation.TruncateAsync(ctx, raw, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>x ⊙ y without truncation. 1 round, 2n words each way.</summary>
    public static async ValueTask<SharedTensor> MultiplyRawAsync(PartyContext ctx, SharedTensor x, SharedTensor y, CancellationToken cancellationToken = default)
    {
        var products = await MultiplyRawAsync(ctx, [(x, y)], cancellationToken).ConfigureAwait(false);
        return products[0];
    }

    /// <summary>Several independent products in one round (one frame carries every pair's masks).</summary>
    public static async ValueTask<SharedTensor[]> MultiplyRawAsync(
        PartyContext ctx, IReadOnlyList<(SharedTensor X, SharedTensor Y)> pairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(pairs);
        var triples = new Preprocessing.ElementwiseTriple[pairs.Count];
        int total = 0;
        for (int p = 0; p < pairs.Count; p++)
        {
            var (x, y) = pairs[p];
            ctx.Check(x);
            ctx.Check(y);
            Linear.RequireSameShape("Multiply", x.Shape, y.Shape);
            total += 2 * x.Length;
        }
        using var masked = RentedWords.Rent(total);
        using var opened = RentedWords.Rent(total);
        int offset = 0;
        for (int p = 0; p < pairs.Count; p++)
        {
            var (x, y) = pairs[p];
            int n = x.Length;
            var t = await ctx.Randomness.TakeElementwiseTripleAsync(n, cancellationToken).ConfigureAwait(false);
            t.Consume(ctx.PartyId);
            triples[p] = t;
            RingOps.Subtract(x.Share.Span, t.A, masked.Span.Slice(offset, n));      // e_i = x_i − a_i
            RingOps.Subtract(y.Share.Span, t.B, masked.Span.Slice(offset + n, n));  // f_i = y_i − b_i
            offset += 2 * n;
        }
        await ctx.OpenAsync(masked.Memory, opened.Memory, cancellationToken).ConfigureAwait(false);
        var results = new SharedTensor[pairs.Count];
        offset = 0;
        for (int p = 0; p < pairs.Count; p++)
        {
            var t = triples[p];
            int n = t.A.Length;
            var e = opened.Span.Slice(offset, n);
            var f = opened.Span.Slice(offset + n, n);
            var z = t.C; // consumed above: safe to accumulate into
            RingOps.MultiplyAccumulate(e, t.B, z);   // + e·b_i
            RingOps.MultiplyAccumulate(t.A, f, z);   // + a_i·f
            if (ctx.PartyId == 0)
            {
                RingOps.MultiplyAccumulate(e, f, z); // + e·f, once
            }
            results[p] = ctx.Wrap(z, pairs[p].X.Shape);
            offset += 2 * n;
        }
        return results;
    }

    /// <summary>Fixed-point x (m×k) · y (k×n), truncated. 2 rounds.</summary>
    public static async ValueTask<SharedTensor> MatMulAsync(PartyContext ctx, SharedTensor x, SharedTensor y, CancellationToken cancellationToken = default)
    {
        var raw = await MatMulRawAsync(ctx, x, y, cancellationToken).ConfigureAwait(false);
        return await Truncation.TruncateAsync(ctx, raw, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>x (m×k) · y (k×n) without truncation. 1 round, m·k + k·n words each way; two local m×k×n products per party.</summary>
    public static async ValueTask<SharedTensor> MatMulRawAsync(PartyContext ctx, SharedTensor x, SharedTensor y, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        ctx.Check(y);
        if (x.Share.Rank != 2 || y.Share.Rank != 2 || x.Shape[1] != y.Shape[0])
        {
            throw MpcError.InvalidShape($"MatMul needs (m×k)·(k×n); got [{string.Join(", ", x.Shape.ToArray())}]·[{string.Join(", ", y.Shape.ToArray())}].");
        }
        int m = x.Shape[0], k = x.Shape[1], n = y.Shape[1];
        var t = await ctx.Randomness.TakeMatrixTripleAsync(m, k, n, cancellationToken).ConfigureAwait(false);
        t.Consume(ctx.PartyId);
        var z = t.C; // consumed above: safe to accumulate into
        await AccumulateProductAsync(ctx, x.Share.Data, y.Share.Data, t, m, k, n, z, cancellationToken).ConfigureAwait(false);
        return ctx.Wrap(z, [m, n]);
    }

    /// <summary>
    /// The Beaver step of a matrix product with a consumed triple t: opens E = X − A and F = Y − B (1 round) and adds
    /// this party's A_i·F + E·B_i (party 0 also E·F) onto <paramref name="destination"/> (m×n). With C_i in the
    /// destination that is this party's share of X·Y; callers whose triple carries C in another form (folded, say)
    /// pass a zeroed buffer instead.
    /// </summary>
    internal static async ValueTask AccumulateProductAsync(
        PartyContext ctx, ulong[] x, ulong[] y, Preprocessing.MatrixTriple t, int m, int k, int n, Memory<ulong> destination,
        CancellationToken cancellationToken)
    {
        using var masked = RentedWords.Rent(m * k + k * n);
        using var opened = RentedWords.Rent(m * k + k * n);
        RingOps.Subtract(x, t.A, masked.Span[..(m * k)]);                    // E_i = X_i − A_i
        RingOps.Subtract(y, t.B, masked.Span[(m * k)..]);                    // F_i = Y_i − B_i
        await ctx.OpenAsync(masked.Memory, opened.Memory, cancellationToken).ConfigureAwait(false);
        var e = opened.Span[..(m * k)];
        var f = opened.Span[(m * k)..];
        var z = destination.Span;
        int threads = ctx.MaxDegreeOfParallelism;
        RingOps.MatMulAccumulate(t.A, f, z, m, k, n, threads);               // + A_i·F
        if (ctx.PartyId == 0)
        {
            RingOps.Add(t.B, f, f);                                          // party 0: E·(B_0 + F) = E·B_0 + E·F
            RingOps.MatMulAccumulate(e, f, z, m, k, n, threads);
        }
        else
        {
            RingOps.MatMulAccumulate(e, t.B, z, m, k, n, threads);           // party 1: + E·B_1
        }
    }
}
