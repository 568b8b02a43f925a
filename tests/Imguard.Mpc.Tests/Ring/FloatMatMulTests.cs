using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Ring;

public sealed class FloatMatMulTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(9, 1, 33)]
    [InlineData(17, 300, 31)]
    [InlineData(128, 784, 128)]
    [InlineData(128, 128, 10)]
    [InlineData(0, 4, 4)]
    public void Multiply_matches_naive_product_within_rounding(int m, int k, int n)
    {
        var rng = new Random(1234);
        float[] a = RingTestData.RandomFloats(rng, m * k);
        float[] b = RingTestData.RandomFloats(rng, k * n);
        var expected = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                for (int j = 0; j < n; j++)
                {
                    expected[i * n + j] += (double)a[i * k + p] * b[p * n + j];
                }
            }
        }
        foreach (int threads in new[] { 1, 3 })
        {
            var c = new float[m * n];
            FloatMatMul.Multiply(a, b, c, m, k, n, threads);
            double tolerance = 4 * k * float.Epsilon + 1e-6 * k;
            for (int i = 0; i < c.Length; i++)
            {
                Assert.InRange(Math.Abs(c[i] - expected[i]), 0, tolerance);
            }
        }
    }

    [Fact]
    public void Multiply_rejects_bad_lengths_and_overlap()
    {
        Assert.Throws<ArgumentException>(() => FloatMatMul.Multiply(new float[6], new float[12], new float[7], 2, 3, 4));
        var shared = new float[20];
        Assert.Throws<ArgumentException>(() => FloatMatMul.Multiply(shared.AsSpan(0, 6), new float[12], shared.AsSpan(2, 8), 2, 3, 4));
    }
}
