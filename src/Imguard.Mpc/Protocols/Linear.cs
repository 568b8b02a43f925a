using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// Local (communication-free) operations on additive shares: sums, differences and products with public values.
/// Cost: 0 rounds, 0 bytes. A public addend is added by party 0 only; a public factor multiplies both shares.
/// Multiplying by a public fixed-point value doubles the fractional bits: follow with <see cref="Truncation"/>.
/// </summary>
public static class Linear
{
    public static SharedTensor Add(PartyContext ctx, SharedTensor x, SharedTensor y) => Combine(ctx, x, y, subtract: false);

    public static SharedTensor Subtract(PartyContext ctx, SharedTensor x, SharedTensor y) => Combine(ctx, x, y, subtract: true);

    public static SharedTensor Negate(PartyContext ctx, SharedTensor x)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        var z = new RingTensor(x.Shape.ToArray());
        RingOps.Negate(x.Share.Span, z.Span);
        return ctx.Wrap(z);
    }

    /// <summary>x + c for a public tensor c of the same shape (already encoded in x's format).</summary>
    public static SharedTensor AddPublic(PartyContext ctx, SharedTensor x, RingTensor c)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(c);
        ctx.Check(x);
        RequireSameShape("AddPublic", x.Shape, c.Shape);
        var z = x.Share.Clone();
        if (ctx.PartyId == 0)
        {
            RingOps.Add(z.Span, c.Span, z.Span);
        }
        return ctx.Wrap(z);
    }

    /// <summary>x + c for a public ring constant c (e.g. <c>ctx.Format.Encode(0.5)</c>).</summary>
    public static SharedTensor AddPublic(PartyContext ctx, SharedTensor x, ulong c)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        var z = x.Share.Clone();
        if (ctx.PartyId == 0)
        {
            RingOps.AddScalar(z.Span, c, z.Span);
        }
        return ctx.Wrap(z);
    }

    /// <summary>x ⊙ c for a public integer tensor c (no change of scale when c holds plain integers).</summary>
    public static SharedTensor MultiplyPublic(PartyContext ctx, SharedTensor x, RingTensor c)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(c);
        ctx.Check(x);
        RequireSameShape("MultiplyPublic", x.Shape, c.Shape);
        var z = new RingTensor(x.Shape.ToArray());
        RingOps.Multiply(x.Share.Span, c.Span, z.Span);
        return ctx.Wrap(z);
    }

    /// <summary>x · c for a public ring scalar c.</summary>
    public static SharedTensor MultiplyPublic(PartyContext ctx, SharedTensor x, ulong c)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        var z = new RingTensor(x.Shape.ToArray());
        RingOps.MultiplyScalar(x.Share.Span, c, z.Span);
        return ctx.Wrap(z);
    }

    /// <summary>x (m×k) · W (k×n) for a public matrix W; the result carries the sum of both inputs' fractional bits.</summary>
    public static SharedTensor MatMulPublic(PartyContext ctx, SharedTensor x, RingTensor w)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(w);
        ctx.Check(x);
        if (x.Share.Rank != 2 || w.Rank != 2 || x.Shape[1] != w.Shape[0])
        {
            MpcError.ThrowShapeMismatch("MatMulPublic", [x.Shape.Length > 0 ? x.Shape[0] : 0, w.Rank > 0 ? w.Shape[0] : 0], x.Shape);
        }
        int m = x.Shape[0], k = x.Shape[1], n = w.Shape[1];
        var z = new RingTensor(m, n);
        RingOps.MatMul(x.Share.Span, w.Span, z.Span, m, k, n, ctx.MaxDegreeOfParallelism);
        return ctx.Wrap(z);
    }

    private static SharedTensor Combine(PartyContext ctx, SharedTensor x, SharedTensor y, bool subtract)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        ctx.Check(y);
        RequireSameShape(subtract ? "Subtract" : "Add", x.Shape, y.Shape);
        var z = new RingTensor(x.Shape.ToArray());
        if (subtract)
        {
            RingOps.Subtract(x.Share.Span, y.Share.Span, z.Span);
        }
        else
        {
            RingOps.Add(x.Share.Span, y.Share.Span, z.Span);
        }
        return ctx.Wrap(z);
    }

    internal static void RequireSameShape(string what, ReadOnlySpan<int> expected, ReadOnlySpan<int> actual)
    {
        if (!expected.SequenceEqual(actual))
        {
            MpcError.ThrowShapeMismatch(what, expected, actual);
        }
    }
}
