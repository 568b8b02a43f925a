using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Ring;

public sealed class RingOpsConvolutionTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Geometries => new()
    {
        // batch, channels, height, width, kernel height, kernel width, stride, padding
        { 2, 1, 5, 5, 3, 3, 1, 0 },
        { 2, 3, 6, 7, 3, 2, 1, 1 },
        { 1, 2, 7, 6, 3, 3, 2, 0 },
        { 3, 2, 8, 9, 3, 3, 2, 1 },
        { 1, 1, 4, 4, 5, 5, 1, 2 },
        { 2, 2, 5, 6, 2, 3, 2, 2 },
        { 1, 1, 1, 1, 1, 1, 1, 0 },
        { 0, 2, 4, 4, 3, 3, 1, 1 },
        { 1, 1, 1, 1, 6, 6, 2, 3 },   // a kernel wider than the padded image's interior: columns entirely outside
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Im2Col_times_weights_equals_direct_convolution(int batch, int c, int h, int w, int kh, int kw, int stride, int padding)
    {
        var rng = new Random(1234);
        var g = new Conv2dGeometry(c, h, w, kh, kw, stride, padding);
        const int OutChannels = 3;
        ulong[] images = RingTestData.Random(rng, batch * c * h * w);
        ulong[] weights = RingTestData.Random(rng, OutChannels * g.PatchSize);
        ulong[] columns = RingTestData.Random(rng, batch * g.OutputPixels * g.PatchSize);
        RingOps.Im2Col(images, batch, g, columns);

        var weightsT = new ulong[weights.Length];
        RingOps.Transpose(weights, weightsT, OutChannels, g.PatchSize);
        var output = new ulong[batch * g.OutputPixels * OutChannels];
        RingOps.MatMul(columns, weightsT, output, batch * g.OutputPixels, g.PatchSize, OutChannels);

        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < OutChannels; o++)
            {
                for (int oy = 0; oy < g.OutputHeight; oy++)
                {
                    for (int ox = 0; ox < g.OutputWidth; ox++)
                    {
                        ulong sum = 0;
                        for (int ch = 0; ch < c; ch++)
                        {
                            for (int ky = 0; ky < kh; ky++)
                            {
                                for (int kx = 0; kx < kw; kx++)
                                {
                                    int iy = oy * stride - padding + ky, ix = ox * stride - padding + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                    {
                                        sum += images[((n * c + ch) * h + iy) * w + ix] * weights[(o * c + ch) * kh * kw + ky * kw + kx];
                                    }
                                }
                            }
                        }
                        int row = (n * g.OutputHeight + oy) * g.OutputWidth + ox;
                        Assert.Equal(sum, output[row * OutChannels + o]);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Col2Im_is_the_adjoint_of_Im2Col(int batch, int c, int h, int w, int kh, int kw, int stride, int padding)
    {
        var rng = new Random(1234);
        var g = new Conv2dGeometry(c, h, w, kh, kw, stride, padding);
        ulong[] x = RingTestData.Random(rng, batch * g.ImageSize);
        ulong[] y = RingTestData.Random(rng, batch * g.OutputPixels * g.PatchSize);
        var columns = new ulong[y.Length];
        RingOps.Im2Col(x, batch, g, columns);
        ulong[] images = RingTestData.Random(rng, x.Length);
        RingOps.Col2Im(y, batch, g, images);

        ulong left = 0, right = 0;
        for (int i = 0; i < y.Length; i++)
        {
            left += columns[i] * y[i];
        }
        for (int i = 0; i < x.Length; i++)
        {
            right += x[i] * images[i];
        }
        Assert.Equal(left, right);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Im2ColTransposed_is_the_transpose_of_Im2Col(int batch, int c, int h, int w, int kh, int kw, int stride, int padding)
    {
        var rng = new Random(99);
        var g = new Conv2dGeometry(c, h, w, kh, kw, stride, padding);
        ulong[] x = RingTestData.Random(rng, batch * g.ImageSize);
        int rows = batch * g.OutputPixels;
        var columns = new ulong[rows * g.PatchSize];
        RingOps.Im2Col(x, batch, g, columns);
        var expected = new ulong[columns.Length];
        RingOps.Transpose(columns, expected, rows, g.PatchSize);
        var direct = RingTestData.Random(rng, columns.Length);   // stale contents must all be overwritten
        RingOps.Im2ColTransposed(x, batch, g, direct);
        Assert.Equal(expected, direct);
        Assert.Throws<ArgumentException>(() => RingOps.Im2ColTransposed(x, batch, g, new ulong[columns.Length + 1]));
    }

    [Fact]
    public void Convolution_kernels_reject_bad_lengths_batch_and_overlap()
    {
        var g = new Conv2dGeometry(1, 4, 4, 3, 3);
        var images = new ulong[16];
        var columns = new ulong[4 * 9];
        Assert.Throws<ArgumentException>(() => RingOps.Im2Col(images, 2, g, columns));
        Assert.Throws<ArgumentException>(() => RingOps.Im2Col(images, 1, g, new ulong[35]));
        Assert.Throws<ArgumentException>(() => RingOps.Col2Im(columns, 1, g, new ulong[15]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.Im2Col(images, -1, g, columns));
        var shared = new ulong[60];
        Assert.Throws<ArgumentException>(() => RingOps.Im2Col(shared.AsSpan(0, 16), 1, g, shared.AsSpan(10, 36)));
        Assert.Throws<ArgumentException>(() => RingOps.Col2Im(shared.AsSpan(0, 36), 1, g, shared.AsSpan(30, 16)));
    }
}
