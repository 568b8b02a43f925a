using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class ConvolutionTests
{
    [Theory]
    [InlineData(2, 1, 8, 8, 3, 5, 1, 0)]
    [InlineData(1, 3, 7, 6, 4, 3, 2, 1)]
    [InlineData(2, 2, 5, 5, 2, 3, 1, 2)]
    public async Task Conv2d_matches_a_direct_plaintext_convolution_within_one_ulp(
        int n, int c, int h, int w, int oc, int k, int stride, int padding)
    {
        var rng = new Random(n * 100 + c * 10 + k);
        var x = TwoParties.Values(rng, n * c * h * w, 50);
        var f = TwoParties.Values(rng, oc * c * k * k, 2);
        var sx = TwoParties.Share(x, n, c, h, w);
        var sf = TwoParties.Share(f, oc, c, k, k);
        var (z0, z1) = await TwoParties.RunAsync(ctx =>
            Convolution.Conv2dAsync(ctx, TwoParties.Pick(ctx.PartyId, sx), TwoParties.Pick(ctx.PartyId, sf), stride, padding).AsTask());
        int oh = (h + 2 * padding - k) / stride + 1, ow = (w + 2 * padding - k) / stride + 1;
        Assert.Equal(new[] { n, oc, oh, ow }, z0.Shape.ToArray());
        var secure = TwoParties.Open((z0, z1));
        var fmt = TwoParties.Format;
        double E(double v) => fmt.Decode(fmt.Encode(v));
        for (int b = 0; b < n; b++)
        for (int o = 0; o < oc; o++)
        for (int y = 0; y < oh; y++)
        for (int xx = 0; xx < ow; xx++)
        {
            double sum = 0;
            for (int ch = 0; ch < c; ch++)
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = y * stride - padding + ky, ix = xx * stride - padding + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                sum += E(x[((b * c + ch) * h + iy) * w + ix]) * E(f[((o * c + ch) * k + ky) * k + kx]);
            }
            // Products of encoded values are exact in the ring; only the final truncation rounds (< 1 ulp).
            Assert.InRange(Math.Abs(secure[((b * oc + o) * oh + y) * ow + xx] - sum), 0, fmt.Ulp);
        }
    }

    [Fact]
    public async Task Mismatched_channels_are_rejected()
    {
        var sx = TwoParties.Share(new double[2 * 3 * 4 * 4], 2, 3, 4, 4);
        var sf = TwoParties.Share(new double[5 * 2 * 3 * 3], 5, 2, 3, 3);
        await Assert.ThrowsAsync<ArgumentException>(() => TwoParties.RunAsync(ctx =>
            Convolution.Conv2dAsync(ctx, TwoParties.Pick(ctx.PartyId, sx), TwoParties.Pick(ctx.PartyId, sf)).AsTask()));
    }

    [Fact]
    public async Task Conv2d_opens_the_images_and_the_filters_not_their_unfolding()
    {
        const int n = 2, c = 3, h = 9, w = 9, oc = 4, k = 3;
        var sx = TwoParties.Share(new double[n * c * h * w], n, c, h, w);
        var sf = TwoParties.Share(new double[oc * c * k * k], oc, c, k, k);
        var (cost, _) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            await Convolution.Conv2dRawAsync(ctx, TwoParties.Pick(ctx.PartyId, sx), TwoParties.Pick(ctx.PartyId, sf));
            return ctx.Statistics.Snapshot() - before;
        });
        Assert.Equal(1, cost.Rounds);
        // 486 image words + 108 filter words; the unfolding would have been 2·7·7 rows × 27 = 2646 words.
        Assert.Equal(8L * (n * c * h * w + oc * c * k * k), cost.BytesSent);
    }

    [Fact]
    public void A_convolution_triple_request_carries_its_geometry_and_only_party_1_gets_a_message()
    {
        var geometry = new Conv2dGeometry(16, 12, 10, 5, 3, 2, 1);
        var request = RandomnessRequest.ConvolutionTriple(7, geometry, 20);
        request.Validate();
        Assert.Equal((7, geometry, 20), request.ConvolutionShape);
        Assert.Equal(7 * geometry.OutputPixels * 20, request.Length);
        var (m0, m1) = Dealer.CreateRandom().Generate(0, request);
        Assert.Empty(m0);
        Assert.Equal(request.Length, m1.Length);
        Assert.Throws<ArgumentException>(() => RandomnessRequest.ConvolutionTriple(1, geometry with { Channels = 40000 }, 2));
        Assert.Throws<ArgumentException>(() => new RandomnessRequest(RandomnessKind.ConvolutionTriple, 1, 0, 5, 7).Validate());
    }

    [Theory]
    [InlineData(2, 1, 8, 8, 3, 5, 1, 0)]
    [InlineData(1, 3, 7, 6, 4, 3, 2, 1)]
    public async Task The_filter_gradient_is_the_unfolded_images_transposed_times_the_output_rows_exactly(
        int n, int c, int h, int w, int oc, int k, int stride, int padding)
    {
        var rng = new Random(n * 7 + c + k);
        var geometry = new Conv2dGeometry(c, h, w, k, k, stride, padding);
        int rows = n * geometry.OutputPixels, patch = geometry.PatchSize;
        var x = TwoParties.Values(rng, n * c * h * w, 50);
        var g = TwoParties.Values(rng, rows * oc, 2);
        var sx = TwoParties.Share(x, n, c, h, w);
        var sg = TwoParties.Share(g, rows, oc);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var z = await Convolution.FilterGradientRawAsync(ctx, TwoParties.Pick(ctx.PartyId, sx), TwoParties.Pick(ctx.PartyId, sg), geometry);
            return (z, ctx.Statistics.Snapshot() - before);
        });
        Assert.Equal(new[] { patch, oc }, r0.z.Shape.ToArray());
        Assert.Equal(1, r0.Item2.Rounds);
        Assert.Equal(8L * (x.Length + g.Length), r0.Item2.BytesSent);                   // the images, not the unfolding
        var fmt = TwoParties.Format;
        var columns = new ulong[rows * patch];
        RingOps.Im2Col(fmt.Encode(x), n, geometry, columns);
        var encodedG = fmt.Encode(g);
        var expected = new ulong[patch * oc];
        for (int p = 0; p < patch; p++)
        for (int o = 0; o < oc; o++)
        {
            ulong sum = 0;
            for (int r = 0; r < rows; r++) sum = unchecked(sum + columns[r * patch + p] * encodedG[r * oc + o]);
            expected[p * oc + o] = sum;
        }
        Assert.Equal(expected, TwoParties.OpenRing((r0.z, r1.z)));                       // bound: 0 (exact in the ring)
    }

    [Theory]
    [InlineData(2, 1, 8, 8, 3, 5, 1, 0)]
    [InlineData(1, 3, 7, 6, 4, 3, 2, 1)]
    public async Task The_input_gradient_is_the_folded_product_of_output_rows_and_filters_exactly(
        int n, int c, int h, int w, int oc, int k, int stride, int padding)
    {
        var rng = new Random(n * 11 + c + k);
        var geometry = new Conv2dGeometry(c, h, w, k, k, stride, padding);
        int rows = n * geometry.OutputPixels, patch = geometry.PatchSize;
        var g = TwoParties.Values(rng, rows * oc, 2);
        var filters = TwoParties.Values(rng, oc * patch, 1);
        var sg = TwoParties.Share(g, rows, oc);
        var sw = TwoParties.Share(filters, oc, patch);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var z = await Convolution.InputGradientRawAsync(ctx, TwoParties.Pick(ctx.PartyId, sg), TwoParties.Pick(ctx.PartyId, sw), geometry);
            return (z, ctx.Statistics.Snapshot() - before);
        });
        Assert.Equal(new[] { n, c, h, w }, r0.z.Shape.ToArray());
        Assert.Equal(1, r0.Item2.Rounds);
        Assert.Equal(8L * (g.Length + filters.Length), r0.Item2.BytesSent);
        var fmt = TwoParties.Format;
        var product = new ulong[rows * patch];
        RingOps.MatMul(fmt.Encode(g), fmt.Encode(filters), product, rows, oc, patch);
        var expected = new ulong[n * geometry.ImageSize];
        RingOps.Col2Im(product, n, geometry, expected);
        Assert.Equal(expected, TwoParties.OpenRing((r0.z, r1.z)));                       // bound: 0 (exact in the ring)
    }

    [Fact]
    public void The_dealer_sends_the_input_gradient_triple_folded_to_the_images_size()
    {
        var geometry = new Conv2dGeometry(16, 12, 12, 5, 5);                            // the cnn preset's second convolution
        var (toParty0, toParty1) = Dealer.CreateRandom().Generate(0, RandomnessRequest.ConvolutionInputGradientTriple(4, geometry, 16));
        Assert.Empty(toParty0);
        Assert.Equal(4 * geometry.ImageSize, toParty1.Length);                          // 9,216 words, not 4·64·400 = 102,400
    }
}
