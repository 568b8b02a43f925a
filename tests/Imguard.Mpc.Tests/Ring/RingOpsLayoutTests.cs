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
    public void Channel_offsets_are_added_in_the_same_pass()
    {
        const int n = 2, c = 3, pixels = 5;
        var rows = Enumerable.Range(0, n * c * pixels).Select(i => (ulong)i).ToArray();
        ulong[] offsets = [100, ulong.MaxValue, 7];   // ulong.MaxValue is −1 in the ring
        var plain = new ulong[rows.Length];
        var biased = new ulong[rows.Length];
        RingOps.PixelRowsToImages(rows, plain, n, c, pixels);
        RingOps.PixelRowsToImages(rows, biased, n, c, pixels, offsets);
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.Equal(unchecked(plain[i] + offsets[i / pixels % c]), biased[i]);
        }
        Assert.Throws<ArgumentException>(() => RingOps.PixelRowsToImages(rows, biased, n, c, pixels, new ulong[2]));
    }

    [Fact]
    public void Wrong_lengths_and_overlap_are_rejected()
    {
        var buffer = new ulong[30];
        Assert.Throws<ArgumentException>(() => RingOps.PixelRowsToImages(new ulong[29], new ulong[30], 2, 3, 5));
        Assert.Throws<ArgumentException>(() => RingOps.ImagesToPixelRows(buffer, buffer, 2, 3, 5));
    }
}
