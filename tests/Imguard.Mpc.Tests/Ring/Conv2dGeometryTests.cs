using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Ring;

public sealed class Conv2dGeometryTests
{
    [Fact]
    public void Computes_output_size_and_patch_size()
    {
        var g = new Conv2dGeometry(1, 28, 28, 5, 5);
        Assert.Equal((24, 24, 25, 576), (g.OutputHeight, g.OutputWidth, g.PatchSize, g.OutputPixels));
        var strided = new Conv2dGeometry(3, 7, 8, 3, 2, Stride: 2, Padding: 1);
        Assert.Equal((4, 5, 18, 20), (strided.OutputHeight, strided.OutputWidth, strided.PatchSize, strided.OutputPixels));
    }

    [Theory]
    [InlineData(0, 5, 5, 3, 3, 1, 0)]
    [InlineData(1, 5, 5, 0, 3, 1, 0)]
    [InlineData(1, 5, 5, 3, 3, 0, 0)]
    [InlineData(1, 5, 5, 3, 3, 1, -1)]
    [InlineData(1, 2, 5, 5, 3, 1, 1)]
    [InlineData(1, 5, 2, 3, 5, 1, 0)]
    public void Rejects_invalid_geometry(int c, int h, int w, int kh, int kw, int stride, int padding) =>
        Assert.Throws<ArgumentException>(() => new Conv2dGeometry(c, h, w, kh, kw, stride, padding));

    [Fact]
    public void Kernels_recheck_a_geometry_made_invalid_by_with()
    {
        var bad = new Conv2dGeometry(1, 5, 5, 3, 3) with { KernelHeight = 9 };
        Assert.Throws<ArgumentException>(() => RingOps.Im2Col(new ulong[25], 1, bad, new ulong[0]));
    }
}
