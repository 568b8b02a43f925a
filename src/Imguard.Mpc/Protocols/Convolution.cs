using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// 2-D convolution of shared images with shared filters by im2col (Chellapilla et al. 2006) and one Beaver matrix
/// product (SecureML §4.2). Im2col is linear, so each party unfolds its own share locally; the convolution is then
/// columns · Wᵀ with columns (N·OH·OW)×(C·KH·KW) and W OutChannels×(C·KH·KW), and a local reorder to NCHW.
/// Online cost: 1 round (raw) or 2 rounds (with truncation); N·OH·OW·C·KH·KW + C·KH·KW·OC words each way — the
/// unfolded image is opened, which is KH·KW times the image. A convolution-shaped triple (mask the image, not its
/// unfolding) would open only the image and the filters; it belongs with the learning layers.
/// </summary>
public static class Convolution
{
    /// <summary>Fixed-point convolution of x (N×C×H×W) with w (OC×C×KH×KW), truncated. Output N×OC×OH×OW. 2 rounds.</summary>
    public static async ValueTask<SharedTensor> Conv2dAsync(
        PartyContext ctx, SharedTensor x, SharedTensor w, int stride = 1, int padding = 0, CancellationToken cancellationToken = default)
    {
        var raw = await Conv2dRawAsync(ctx, x, w, stride, padding, cancellationToken).ConfigureAwait(false);
        return await Truncation.TruncateAsync(ctx, raw, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The convolution without truncation (2f fractional bits). 1 round.</summary>
    public static async ValueTask<SharedTensor> Conv2dRawAsync(
        PartyContext ctx, SharedTensor x, SharedTensor w, int stride = 1, int padding = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        ctx.Check(w);
        if (x.Share.Rank != 4 || w.Share.Rank != 4 || x.Shape[1] != w.Shape[1])
        {
            throw MpcError.InvalidShape(
                $"Conv2d needs images N×C×H×W and filters OC×C×KH×KW with the same C; got [{string.Join(", ", x.Shape.ToArray())}] and [{string.Join(", ", w.Shape.ToArray())}].");
        }
        int batch = x.Shape[0], outChannels = w.Shape[0];
        var geometry = new Conv2dGeometry(x.Shape[1], x.Shape[2], x.Shape[3], w.Shape[2], w.Shape[3], stride, padding);
        int rows = batch * geometry.OutputPixels, patch = geometry.PatchSize;

        var columns = new RingTensor(rows, patch);
        RingOps.Im2Col(x.Share.Span, batch, geometry, columns.Span);              // local: im2col(x₀) + im2col(x₁) = im2col(x)
        var filtersT = new RingTensor(patch, outChannels);
        RingOps.Transpose(w.Share.Span, filtersT.Span, outChannels, patch);       // local: Wᵀ, (C·KH·KW)×OC

        var product = await Beaver.MatMulRawAsync(ctx, ctx.Wrap(columns), ctx.Wrap(filtersT), cancellationToken).ConfigureAwait(false);

        // (N·OH·OW)×OC → N×OC×OH×OW
        var output = new RingTensor(batch, outChannels, geometry.OutputHeight, geometry.OutputWidth);
        RingOps.PixelRowsToImages(product.Share.Span, output.Span, batch, outChannels, geometry.OutputPixels);
        return ctx.Wrap(output);
    }
}
