using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Imguard.Mpc.Ring;

/// <summary>
/// Span kernels over the ring Z_2^64: every value is a <see cref="ulong"/> and arithmetic wraps, which is the ring's
/// arithmetic. Kernels write into a caller-supplied destination, check lengths first, and use Vector512 or Vector256
/// where the hardware accelerates them, with a scalar tail.
/// </summary>
public static partial class RingOps
{
    /// <summary>destination[i] = a[i] + b[i] mod 2^64. <paramref name="destination"/> may be <paramref name="a"/> or <paramref name="b"/>.</summary>
    public static void Add(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination) =>
        Binary<AddOp>(a, b, destination);

    /// <summary>destination[i] = a[i] - b[i] mod 2^64.</summary>
    public static void Subtract(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination) =>
        Binary<SubtractOp>(a, b, destination);

    /// <summary>destination[i] = a[i] * b[i] mod 2^64 (the low 64 bits of the product).</summary>
    public static void Multiply(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination) =>
        Binary<MultiplyOp>(a, b, destination);

    /// <summary>destination[i] = -a[i] mod 2^64.</summary>
    public static void Negate(ReadOnlySpan<ulong> a, Span<ulong> destination) =>
        Unary(new NegateOp(), a, destination);

    /// <summary>destination[i] = a[i] + <paramref name="scalar"/> mod 2^64.</summary>
    public static void AddScalar(ReadOnlySpan<ulong> a, ulong scalar, Span<ulong> destination) =>
        Unary(new AddScalarOp(scalar), a, destination);

    /// <summary>destination[i] = a[i] * <paramref name="scalar"/> mod 2^64.</summary>
    public static void MultiplyScalar(ReadOnlySpan<ulong> a, ulong scalar, Span<ulong> destination) =>
        Unary(new MultiplyScalarOp(scalar), a, destination);

    /// <summary>
    /// destination[i] = (ulong)((long)a[i] &gt;&gt; bits): the arithmetic shift of the two's-complement reading of the
    /// ring element, as used for fixed-point truncation. <paramref name="bits"/> must lie in [0, 63].
    /// </summary>
    public static void ShiftRightArithmetic(ReadOnlySpan<ulong> a, int bits, Span<ulong> destination)
    {
        CheckShift(bits);
        Unary(new ShiftRightArithmeticOp(bits), a, destination);
    }

    /// <summary>destination[i] = a[i] &gt;&gt;&gt; bits (logical). <paramref name="bits"/> must lie in [0, 63].</summary>
    public static void ShiftRightLogical(ReadOnlySpan<ulong> a, int bits, Span<ulong> destination)
    {
        CheckShift(bits);
        Unary(new ShiftRightLogicalOp(bits), a, destination);
    }

    /// <summary>
    /// destination[i] += a[i] * b[i] mod 2^64. <paramref name="destination"/> may be exactly <paramref name="a"/> or
    /// <paramref name="b"/>, but must not partially overlap either.
    /// </summary>
    public static void MultiplyAccumulate(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination)
    {
        CheckLength("MultiplyAccumulate operand b", a.Length, b.Length);
        CheckLength("MultiplyAccumulate destination", a.Length, destination.Length);
        CheckInPlaceOrDisjoint(a, destination, nameof(destination));
        CheckInPlaceOrDisjoint(b, destination, nameof(destination));

        ref ulong pa = ref MemoryMarshal.GetReference(a);
        ref ulong pb = ref MemoryMarshal.GetReference(b);
        ref ulong pd = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)a.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<ulong>.Count <= length; i += (nuint)Vector512<ulong>.Count)
            {
                var acc = Vector512.LoadUnsafe(ref pd, i) + Vector512.LoadUnsafe(ref pa, i) * Vector512.LoadUnsafe(ref pb, i);
                acc.StoreUnsafe(ref pd, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<ulong>.Count <= length; i += (nuint)Vector256<ulong>.Count)
            {
                var acc = Vector256.LoadUnsafe(ref pd, i) + Vector256.LoadUnsafe(ref pa, i) * Vector256.LoadUnsafe(ref pb, i);
                acc.StoreUnsafe(ref pd, i);
            }
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref pd, i) += Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i);
        }
    }

    private static void CheckShift(int bits)
    {
        if ((uint)bits > 63)
        {
            throw MpcError.OutOfRange(nameof(bits), "A shift count must lie in [0, 63].");
        }
    }

    private static void Binary<TOp>(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination)
        where TOp : struct, IBinaryOp
    {
        CheckLength("element-wise operand b", a.Length, b.Length);
        CheckLength("element-wise destination", a.Length, destination.Length);
        CheckInPlaceOrDisjoint(a, destination, nameof(destination));
        CheckInPlaceOrDisjoint(b, destination, nameof(destination));

        ref ulong pa = ref MemoryMarshal.GetReference(a);
        ref ulong pb = ref MemoryMarshal.GetReference(b);
        ref ulong pd = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)a.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            nuint width = (nuint)Vector512<ulong>.Count;
            for (; i + 2 * width <= length; i += 2 * width)
            {
                var r0 = TOp.Apply(Vector512.LoadUnsafe(ref pa, i), Vector512.LoadUnsafe(ref pb, i));
                var r1 = TOp.Apply(Vector512.LoadUnsafe(ref pa, i + width), Vector512.LoadUnsafe(ref pb, i + width));
                r0.StoreUnsafe(ref pd, i);
                r1.StoreUnsafe(ref pd, i + width);
            }
            for (; i + width <= length; i += width)
            {
                TOp.Apply(Vector512.LoadUnsafe(ref pa, i), Vector512.LoadUnsafe(ref pb, i)).StoreUnsafe(ref pd, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint width = (nuint)Vector256<ulong>.Count;
            for (; i + width <= length; i += width)
            {
                TOp.Apply(Vector256.LoadUnsafe(ref pa, i), Vector256.LoadUnsafe(ref pb, i)).StoreUnsafe(ref pd, i);
            }
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref pd, i) = TOp.Apply(Unsafe.Add(ref pa, i), Unsafe.Add(ref pb, i));
        }
    }

    private static void Unary<TOp>(TOp op, ReadOnlySpan<ulong> a, Span<ulong> destination)
        where TOp : struct, IUnaryOp
    {
        CheckLength("element-wise destination", a.Length, destination.Length);
        CheckInPlaceOrDisjoint(a, destination, nameof(destination));

        ref ulong pa = ref MemoryMarshal.GetReference(a);
        ref ulong pd = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)a.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            nuint width = (nuint)Vector512<ulong>.Count;
            for (; i + 2 * width <= length; i += 2 * width)
            {
                var r0 = op.Apply(Vector512.LoadUnsafe(ref pa, i));
                var r1 = op.Apply(Vector512.LoadUnsafe(ref pa, i + width));
                r0.StoreUnsafe(ref pd, i);
                r1.StoreUnsafe(ref pd, i + width);
            }
            for (; i + width <= length; i += width)
            {
                op.Apply(Vector512.LoadUnsafe(ref pa, i)).StoreUnsafe(ref pd, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            nuint width = (nuint)Vector256<ulong>.Count;
            for (; i + width <= length; i += width)
            {
                op.Apply(Vector256.LoadUnsafe(ref pa, i)).StoreUnsafe(ref pd, i);
            }
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref pd, i) = op.Apply(Unsafe.Add(ref pa, i));
        }
    }

    private interface IBinaryOp
    {
        static abstract ulong Apply(ulong a, ulong b);

        static abstract Vector256<ulong> Apply(Vector256<ulong> a, Vector256<ulong> b);

        static abstract Vector512<ulong> Apply(Vector512<ulong> a, Vector512<ulong> b);
    }

    private interface IUnaryOp
    {
        ulong Apply(ulong a);

        Vector256<ulong> Apply(Vector256<ulong> a);

        Vector512<ulong> Apply(Vector512<ulong> a);
    }

    private readonly struct AddOp : IBinaryOp
    {
        public static ulong Apply(ulong a, ulong b) => a + b;

        public static Vector256<ulong> Apply(Vector256<ulong> a, Vector256<ulong> b) => a + b;

        public static Vector512<ulong> Apply(Vector512<ulong> a, Vector512<ulong> b) => a + b;
    }

    private readonly struct SubtractOp : IBinaryOp
    {
        public static ulong Apply(ulong a, ulong b) => a - b;

        public static Vector256<ulong> Apply(Vector256<ulong> a, Vector256<ulong> b) => a - b;

        public static Vector512<ulong> Apply(Vector512<ulong> a, Vector512<ulong> b) => a - b;
    }

    private readonly struct MultiplyOp : IBinaryOp
    {
        public static ulong Apply(ulong a, ulong b) => a * b;

        public static Vector256<ulong> Apply(Vector256<ulong> a, Vector256<ulong> b) => a * b;

        public static Vector512<ulong> Apply(Vector512<ulong> a, Vector512<ulong> b) => a * b;
    }

    private readonly struct NegateOp : IUnaryOp
    {
        public ulong Apply(ulong a) => 0UL - a;

        public Vector256<ulong> Apply(Vector256<ulong> a) => -a;

        public Vector512<ulong> Apply(Vector512<ulong> a) => -a;
    }

    private readonly struct AddScalarOp(ulong scalar) : IUnaryOp
    {
        public ulong Apply(ulong a) => a + scalar;

        public Vector256<ulong> Apply(Vector256<ulong> a) => a + Vector256.Create(scalar);

        public Vector512<ulong> Apply(Vector512<ulong> a) => a + Vector512.Create(scalar);
    }

    private readonly struct MultiplyScalarOp(ulong scalar) : IUnaryOp
    {
        public ulong Apply(ulong a) => a * scalar;

        public Vector256<ulong> Apply(Vector256<ulong> a) => a * scalar;

        public Vector512<ulong> Apply(Vector512<ulong> a) => a * scalar;
    }

    private readonly struct ShiftRightArithmeticOp(int bits) : IUnaryOp
    {
        public ulong Apply(ulong a) => (ulong)((long)a >> bits);

        public Vector256<ulong> Apply(Vector256<ulong> a) => Vector256.ShiftRightArithmetic(a.AsInt64(), bits).AsUInt64();

        public Vector512<ulong> Apply(Vector512<ulong> a) => Vector512.ShiftRightArithmetic(a.AsInt64(), bits).AsUInt64();
    }

    private readonly struct ShiftRightLogicalOp(int bits) : IUnaryOp
    {
        public ulong Apply(ulong a) => a >> bits;

        public Vector256<ulong> Apply(Vector256<ulong> a) => Vector256.ShiftRightLogical(a, bits);

        public Vector512<ulong> Apply(Vector512<ulong> a) => Vector512.ShiftRightLogical(a, bits);
    }
}
