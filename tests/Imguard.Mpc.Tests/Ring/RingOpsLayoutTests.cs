using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Ring;

public sealed class RingOpsLayoutTests
{
    [Fact]
    public void Pixel_rows_and_images_are_inverse_layouts()
    {
        const int n = 2, c = 3, pixels = 5;
        var rows = Enumerable.Range(0, n * c * pixels).Select(i => (ulong)i).ToArray();
        var images = new ulong[rows.Length];
        RingOps.PixelRowsToImages(rows, images, n, c, pixels);
        // Row (b, p) channel ch lands at image b, channel ch, pixel p.
        Assert.Equal(rows[(1 * pixels + 4) * c + 2], images[(1 * c + 2) * pixels + 4]);
        var back = new ulong[rows.Length];
        RingOps.ImagesToPixelRows(images, back, n, c, pixels);
        Assert.Equal(rows, back);
    }

    [Fact]
    public void Wrong_lengths_and_overlap_are_rejected()
    {
        var buffer = new ulong[30];
        Assert.Throws<ArgumentException>(() => RingOps.PixelRowsToImages(new ulong[29], new ulong[30], 2, 3, 5));
        Assert.Throws<ArgumentException>(() => RingOps.ImagesToPixelRows(buffer, buffer, 2, 3, 5));
    }
}
