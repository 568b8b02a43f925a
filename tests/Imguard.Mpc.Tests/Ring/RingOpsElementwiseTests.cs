using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Ring;

public sealed class RingOpsElementwiseTests
{
    public static TheoryData<int> Lengths => [0, 1, 7, 8, 9, 15, 16, 17, 33, 100, 1027];

    private delegate void BinaryKernel(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination);

    private delegate void UnaryKernel(ReadOnlySpan<ulong> a, Span<ulong> destination);

    private static readonly (string Name, BinaryKernel Kernel, Func<ulong, ulong, ulong> Reference)[] BinaryOps =
    [
        ("Add", RingOps.Add, (x, y) => x + y),
        ("Subtract", RingOps.Subtract, (x, y) => x - y),
        ("Multiply", RingOps.Multiply, (x, y) => x * y),
    ];

    private static (string Name, UnaryKernel Kernel, Func<ulong, ulong> Reference)[] UnaryOps(ulong scalar, int bits) =>
    [
        ("Negate", RingOps.Negate, x => 0UL - x),
        ("AddScalar", (a, d) => RingOps.AddScalar(a, scalar, d), x => x + scalar),
        ("MultiplyScalar", (a, d) => RingOps.MultiplyScalar(a, scalar, d), x => x * scalar),
        ("ShiftRightArithmetic", (a, d) => RingOps.ShiftRightArithmetic(a, bits, d), x => (ulong)((long)x >> bits)),
        ("ShiftRightLogical", (a, d) => RingOps.ShiftRightLogical(a, bits, d), x => x >> bits),
    ];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Binary_kernels_match_scalar_reference_including_in_place(int length)
    {
        var rng = new Random(1234);
        foreach (var (name, kernel, reference) in BinaryOps)
        {
            ulong[] a = RingTestData.Random(rng, length);
            ulong[] b = RingTestData.Random(rng, length);
            ulong[] expected = a.Zip(b, reference).ToArray();

            var destination = new ulong[length];
            kernel(a, b, destination);
            Assert.True(expected.SequenceEqual(destination), name);

            ulong[] inA = (ulong[])a.Clone();
            kernel(inA, b, inA);
            Assert.True(expected.SequenceEqual(inA), name + " in place on a");

            ulong[] inB = (ulong[])b.Clone();
            kernel(a, inB, inB);
            Assert.True(expected.SequenceEqual(inB), name + " in place on b");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Unary_kernels_match_scalar_reference_including_in_place(int length)
    {
        var rng = new Random(1234);
        foreach (ulong scalar in new[] { 0UL, 3UL, 1UL << 63, ulong.MaxValue })
        {
            foreach (int bits in new[] { 0, 1, 13, 63 })
            {
                foreach (var (name, kernel, reference) in UnaryOps(scalar, bits))
                {
                    ulong[] a = RingTestData.Random(rng, length);
                    ulong[] expected = a.Select(reference).ToArray();
                    var destination = new ulong[length];
                    kernel(a, destination);
                    Assert.True(expected.SequenceEqual(destination), name);
                    kernel(a, a);
                    Assert.True(expected.SequenceEqual(a), name + " in place");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAccumulate_adds_the_product_into_the_destination(int length)
    {
        var rng = new Random(1234);
        ulong[] a = RingTestData.Random(rng, length);
        ulong[] b = RingTestData.Random(rng, length);
        ulong[] d = RingTestData.Random(rng, length);
        ulong[] expected = d.Select((x, i) => x + a[i] * b[i]).ToArray();
        RingOps.MultiplyAccumulate(a, b, d);
        Assert.Equal(expected, d);

        ulong[] inA = (ulong[])a.Clone();
        RingOps.MultiplyAccumulate(inA, b, inA);
        Assert.Equal(a.Select((x, i) => x + x * b[i]), inA);
    }

    [Fact]
    public void Wrap_around_is_ring_arithmetic()
    {
        var d = new ulong[1];
        RingOps.Add([ulong.MaxValue], [2], d);
        Assert.Equal(1UL, d[0]);
        RingOps.Subtract([0], [1], d);
        Assert.Equal(ulong.MaxValue, d[0]);
        RingOps.Multiply([1UL << 63], [2], d);
        Assert.Equal(0UL, d[0]);
        RingOps.ShiftRightArithmetic([1UL << 63], 63, d);
        Assert.Equal(ulong.MaxValue, d[0]);
        RingOps.ShiftRightLogical([1UL << 63], 63, d);
        Assert.Equal(1UL, d[0]);
    }

    [Fact]
    public void Partial_overlap_is_rejected()
    {
        var buffer = new ulong[40];
        var other = new ulong[32];
        foreach (var (name, kernel, _) in BinaryOps)
        {
            Assert.Throws<ArgumentException>(() => kernel(buffer.AsSpan(0, 32), other, buffer.AsSpan(1, 32)));
            Assert.Throws<ArgumentException>(() => kernel(other, buffer.AsSpan(8, 32), buffer.AsSpan(0, 32)));
        }
        foreach (var (name, kernel, _) in UnaryOps(5, 3))
        {
            Assert.Throws<ArgumentException>(() => kernel(buffer.AsSpan(0, 32), buffer.AsSpan(1, 32)));
        }
        Assert.Throws<ArgumentException>(() => RingOps.MultiplyAccumulate(buffer.AsSpan(0, 32), other, buffer.AsSpan(4, 32)));
    }

    [Fact]
    public void Length_mismatch_and_bad_shift_are_rejected()
    {
        var a = new ulong[8];
        var b = new ulong[9];
        foreach (var (name, kernel, _) in BinaryOps)
        {
            Assert.Throws<ArgumentException>(() => kernel(a, b, new ulong[8]));
            Assert.Throws<ArgumentException>(() => kernel(a, a, new ulong[7]));
        }
        foreach (var (name, kernel, _) in UnaryOps(1, 1))
        {
            Assert.Throws<ArgumentException>(() => kernel(a, new ulong[9]));
        }
        Assert.Throws<ArgumentException>(() => RingOps.MultiplyAccumulate(a, b, new ulong[8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.ShiftRightArithmetic(a, 64, new ulong[8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.ShiftRightLogical(a, -1, new ulong[8]));
    }
}
