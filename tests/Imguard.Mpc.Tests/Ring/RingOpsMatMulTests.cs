using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Ring;

public sealed class RingOpsMatMulTests
{
    public static TheoryData<int, int, int> OddShapes => new()
    {
        { 0, 3, 4 }, { 3, 0, 4 }, { 3, 4, 0 }, { 1, 1, 1 }, { 3, 5, 7 }, { 7, 1, 9 }, { 8, 3, 16 }, { 9, 17, 15 },
        { 17, 33, 31 }, { 1, 100, 33 }, { 33, 2, 1 }, { 16, 300, 17 }, { 5, 600, 40 },
    };

    public static TheoryData<int, int, int> BigShapes => new()
    {
        { 128, 784, 128 }, { 784, 128, 128 }, { 128, 128, 10 }, { 64, 400, 100 }, { 64 * 24 * 24, 25, 16 },
    };

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void MatMul_matches_naive_product_on_odd_shapes(int m, int k, int n)
    {
        var rng = new Random(1234);
        ulong[] a = RingTestData.Random(rng, m * k);
        ulong[] b = RingTestData.Random(rng, k * n);
        ulong[] expected = Naive(a, b, m, k, n);
        foreach (int threads in new[] { 1, 2, -1 })
        {
            ulong[] c = RingTestData.Random(rng, m * n);
            RingOps.MatMul(a, b, c, m, k, n, threads);
            Assert.Equal(expected, c);

            ulong[] start = RingTestData.Random(rng, m * n);
            ulong[] accumulated = (ulong[])start.Clone();
            RingOps.MatMulAccumulate(a, b, accumulated, m, k, n, threads);
            Assert.Equal(start.Select((x, i) => x + expected[i]), accumulated);
        }
    }

    [Theory]
    [MemberData(nameof(BigShapes))]
    public void MatMul_matches_naive_product_on_network_shapes_single_and_multi_threaded(int m, int k, int n)
    {
        var rng = new Random(1234);
        ulong[] a = RingTestData.Random(rng, m * k);
        ulong[] b = RingTestData.Random(rng, k * n);
        ulong[] expected = Naive(a, b, m, k, n);
        foreach (int threads in new[] { 1, 4 })
        {
            var c = new ulong[m * n];
            RingOps.MatMul(a, b, c, m, k, n, threads);
            Assert.True(expected.AsSpan().SequenceEqual(c), $"{threads} threads");
            RingOps.MatMulAccumulate(a, b, c, m, k, n, threads);
            Assert.True(expected.Select(x => 2 * x).SequenceEqual(c), $"{threads} threads, accumulate");
        }
    }

    [Fact]
    public void MatMul_rejects_bad_lengths_overlap_and_thread_counts()
    {
        var a = new ulong[6];
        var b = new ulong[12];
        var c = new ulong[8];
        Assert.Throws<ArgumentException>(() => RingOps.MatMul(a, b, c, 2, 3, 5));
        Assert.Throws<ArgumentException>(() => RingOps.MatMul(a, b, new ulong[9], 2, 3, 4));
        Assert.Throws<ArgumentException>(() => RingOps.MatMul(new ulong[5], b, c, 2, 3, 4));
        Assert.Throws<ArgumentException>(() => RingOps.MatMul(a, b, c, -2, -3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.MatMul(a, b, c, 2, 3, 4, 0));
        var shared = new ulong[20];
        Assert.Throws<ArgumentException>(() => RingOps.MatMul(shared.AsSpan(0, 6), b, shared.AsSpan(4, 8), 2, 3, 4));
        Assert.Throws<ArgumentException>(() => RingOps.MatMulAccumulate(a, shared.AsSpan(0, 12), shared.AsSpan(10, 8), 2, 3, 4));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(33, 65)]
    [InlineData(128, 10)]
    public void Transpose_swaps_rows_and_columns(int rows, int cols)
    {
        var rng = new Random(1234);
        ulong[] source = RingTestData.Random(rng, rows * cols);
        var destination = new ulong[rows * cols];
        RingOps.Transpose(source, destination, rows, cols);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                Assert.Equal(source[i * cols + j], destination[j * rows + i]);
            }
        }
    }

    [Fact]
    public void Transpose_rejects_overlap_and_bad_lengths()
    {
        var buffer = new ulong[12];
        Assert.Throws<ArgumentException>(() => RingOps.Transpose(buffer, buffer, 3, 4));
        Assert.Throws<ArgumentException>(() => RingOps.Transpose(buffer, new ulong[12], 3, 5));
        Assert.Throws<ArgumentException>(() => RingOps.Transpose(buffer, new ulong[11], 3, 4));
    }

    internal static ulong[] Naive(ulong[] a, ulong[] b, int m, int k, int n)
    {
        var c = new ulong[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                ulong x = a[i * k + p];
                for (int j = 0; j < n; j++)
                {
                    c[i * n + j] += x * b[p * n + j];
                }
            }
        }
        return c;
    }
}
