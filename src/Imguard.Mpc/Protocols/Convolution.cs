using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// 2-D convolution of shared images with shared filters by im2col (Chellapilla et al. 2006) and a convolution-shaped
/// Beaver triple: the dealer masks the image (A, N×C×H×W) and the filter matrix (B, (C·KH·KW)×OC) and deals
/// C = im2col(A)·B. The parties open E = X − A and F = Wᵀ − B; since im2col is linear, im2col(X)·Wᵀ =
/// im2col(E)·F + im2col(E)·B + im2col(A)·F + C, all local. So the image is opened, not its unfolding, which is
/// KH·KW times larger (25× for the cnn preset's 5×5 filters).
/// Online cost: 1 round (raw) or 2 rounds (with truncation); N·C·H·W + C·KH·KW·OC words each way; two local
/// (N·OH·OW)×(C·KH·KW)×OC products and two im2cols per party. Dealer: N·OH·OW·OC words to party 1.
/// The filter gradient im2col(X)ᵀ·G (G the output gradient as pixel rows) works the same way with C = im2col(A)ᵀ·B:
/// N·C·H·W + N·OH·OW·OC words each way, dealer C·KH·KW·OC words.
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
        var filtersT = new RingTensor(geometry.PatchSize, outChannels);
        RingOps.Transpose(w.Share.Span, filtersT.Span, outChannels, geometry.PatchSize);  // local: Wᵀ, (C·KH·KW)×OC
        var rows = await PixelRowsRawAsync(ctx, x, ctx.Wrap(filtersT), geometry, cancellationToken).ConfigureAwait(false);

        // (N·OH·OW)×OC → N×OC×OH×OW
        var output = new RingTensor(batch, outChannels, geometry.OutputHeight, geometry.OutputWidth);
        RingOps.PixelRowsToImages(rows.Share.Span, output.Span, batch, outChannels, geometry.OutputPixels);
        return ctx.Wrap(output);
    }

    /// <summary>
    /// im2col(x)·filters without truncation, as (N·OH·OW)×OC pixel rows: x is N×C×H×W, <paramref name="filters"/> is
    /// the (C·KH·KW)×OC filter matrix. 1 round.
    /// </summary>
    public static async ValueTask<SharedTensor> PixelRowsRawAsync(
        PartyContext ctx, SharedTensor x, SharedTensor filters, Conv2dGeometry geometry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(geometry);
        ctx.Check(x);
        ctx.Check(filters);
        int batch = x.Shape[0], patch = geometry.PatchSize;
        if (x.Share.Rank != 4 || x.Shape[1] != geometry.Channels || x.Shape[2] != geometry.Height || x.Shape[3] != geometry.Width
            || filters.Share.Rank != 2 || filters.Shape[0] != patch)
        {
            throw MpcError.InvalidShape(
                $"A convolution of {geometry} needs images N×{geometry.Channels}×{geometry.Height}×{geometry.Width} and a {patch}×OC filter matrix; got [{string.Join(", ", x.Shape.ToArray())}] and [{string.Join(", ", filters.Shape.ToArray())}].");
        }
        int outChannels = filters.Shape[1];
        var t = await ctx.Randomness.TakeConvolutionTripleAsync(batch, geometry, outChannels, cancellationToken).ConfigureAwait(false);
        return await UnfoldedProductAsync(ctx, x, filters, t, geometry, transposed: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The filter gradient im2col(x)ᵀ·g without truncation, (C·KH·KW)×OC: x is N×C×H×W, <paramref name="outputGradient"/>
    /// the (N·OH·OW)×OC pixel rows of ∂L/∂output. 1 round; opens the image, not its unfolding.
    /// </summary>
    public static async ValueTask<SharedTensor> FilterGradientRawAsync(
        PartyContext ctx, SharedTensor x, SharedTensor outputGradient, Conv2dGeometry geometry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(geometry);
        ctx.Check(x);
        ctx.Check(outputGradient);
        int batch = x.Shape[0], patch = geometry.PatchSize, rows = batch * geometry.OutputPixels;
        if (x.Share.Rank != 4 || x.Shape[1] != geometry.Channels || x.Shape[2] != geometry.Height || x.Shape[3] != geometry.Width
            || outputGradient.Share.Rank != 2 || outputGradient.Shape[0] != rows)
        {
            throw MpcError.InvalidShape(
                $"A filter gradient of {geometry} needs images N×{geometry.Channels}×{geometry.Height}×{geometry.Width} and (N·{geometry.OutputPixels})×OC rows; got [{string.Join(", ", x.Shape.ToArray())}] and [{string.Join(", ", outputGradient.Shape.ToArray())}].");
        }
        int outChannels = outputGradient.Shape[1];
        var t = await ctx.Randomness.TakeConvolutionFilterGradientTripleAsync(batch, geometry, outChannels, cancellationToken).ConfigureAwait(false);
        return await UnfoldedProductAsync(ctx, x, outputGradient, t, geometry, transposed: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// ∂L/∂x of a convolution without truncation, col2im(g·W) as N×C×H×W: <paramref name="outputGradient"/> is the
    /// (N·OH·OW)×OC pixel rows of ∂L/∂output, <paramref name="filters"/> the OC×(C·KH·KW) filter matrix. A Beaver product
    /// whose triple the dealer folds (C = col2im(A·B)), as each party folds its part: party 1 receives the image's size,
    /// not the (N·OH·OW)×(C·KH·KW) product's, 25–400 times more. 1 round; (N·OH·OW + C·KH·KW)·OC words each way.
    /// </summary>
    public static async ValueTask<SharedTensor> InputGradientRawAsync(
        PartyContext ctx, SharedTensor outputGradient, SharedTensor filters, Conv2dGeometry geometry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(geometry);
        ctx.Check(outputGradient);
        ctx.Check(filters);
        int patch = geometry.PatchSize, pixels = geometry.OutputPixels;
        if (outputGradient.Share.Rank != 2 || outputGradient.Shape[0] % pixels != 0 || filters.Share.Rank != 2
            || filters.Shape[1] != patch || filters.Shape[0] != outputGradient.Shape[1])
        {
            throw MpcError.InvalidShape(
                $"An input gradient of {geometry} needs (N·{pixels})×OC rows and an OC×{patch} filter matrix; got [{string.Join(", ", outputGradient.Shape.ToArray())}] and [{string.Join(", ", filters.Shape.ToArray())}].");
        }
        int rows = outputGradient.Shape[0], batch = rows / pixels, outChannels = filters.Shape[0];
        var t = await ctx.Randomness.TakeConvolutionInputGradientTripleAsync(batch, geometry, outChannels, cancellationToken).ConfigureAwait(false);
        t.Consume(ctx.PartyId);
        using var product = RentedWords.RentForShare(rows * patch);                   // this party's part of G·W, unfolded
        product.Span.Clear();                                                           // the pool may hand back public words
        await Beaver.AccumulateProductAsync(ctx, outputGradient.Share.Data, filters.Share.Data, t, rows, outChannels, patch, product.Memory, cancellationToken)
            .ConfigureAwait(false);
        using var folded = RentedWords.RentForShare(t.C.Length);
        RingOps.Col2Im(product.Span, batch, geometry, folded.Span);
        var z = t.C; // consumed above: C_i + col2im(part)
        RingOps.Add(z, folded.Span, z);
        return ctx.Wrap(z, [batch, geometry.Channels, geometry.Height, geometry.Width]);
    }

    /// <summary>
    /// U·Y with U = im2col(x) (or its transpose), by a triple whose A masks the image: opens E = X − A and F = Y − B,
    /// unfolds E and this party's A locally, and accumulates U(A_i)·F + U(E)·B_i (+ U(E)·F by party 0) onto C_i.
    /// </summary>
    private static async ValueTask<SharedTensor> UnfoldedProductAsync(
        PartyContext ctx, SharedTensor x, SharedTensor y, Preprocessing.MatrixTriple t, Conv2dGeometry geometry, bool transposed,
        CancellationToken cancellationToken)
    {
        t.Consume(ctx.PartyId);
        int batch = x.Shape[0], image = x.Length, n = y.Shape[1];
        int rows = batch * geometry.OutputPixels, patch = geometry.PatchSize;
        var (m, k) = transposed ? (patch, rows) : (rows, patch);
        using var masked = RentedWords.Rent(image + y.Length);
        using var opened = RentedWords.Rent(image + y.Length);
        RingOps.Subtract(x.Share.Span, t.A, masked.Span[..image]);              // E_i = X_i − A_i (the image, not its unfolding)
        RingOps.Subtract(y.Share.Span, t.B, masked.Span[image..]);              // F_i = Y_i − B_i
        await ctx.OpenAsync(masked.Memory, opened.Memory, cancellationToken).ConfigureAwait(false);
        var f = opened.Span[image..];
        // The unfoldings are 25–400 times the image: pooled, since fresh arrays of that size cost more in page faults
        // than the products themselves. One buffer at a time: U(A_i) (a share, wiped on return), then U(E) (public).
        var z = t.C; // consumed above: safe to accumulate into
        int threads = ctx.MaxDegreeOfParallelism;
        using (var unfoldedA = RentedWords.RentForShare(m * k))
        {
            Unfold(t.A, batch, geometry, transposed, unfoldedA.Span);
            RingOps.MatMulAccumulate(unfoldedA.Span, f, z, m, k, n, threads);      // + U(A_i)·F
        }
        using var unfoldedE = RentedWords.Rent(m * k);
        Unfold(opened.Span[..image], batch, geometry, transposed, unfoldedE.Span);
        if (ctx.PartyId == 0)
        {
            RingOps.Add(t.B, f, f);                                                 // party 0: U(E)·(B_0 + F)
            RingOps.MatMulAccumulate(unfoldedE.Span, f, z, m, k, n, threads);
        }
        else
        {
            RingOps.MatMulAccumulate(unfoldedE.Span, t.B, z, m, k, n, threads);    // party 1: + U(E)·B_1
        }
        return ctx.Wrap(z, [m, n]);
    }

    private static void Unfold(ReadOnlySpan<ulong> images, int batch, Conv2dGeometry geometry, bool transposed, Span<ulong> destination)
    {
        if (transposed)
        {
            RingOps.Im2ColTransposed(images, batch, geometry, destination);
        }
        else
        {
            RingOps.Im2Col(images, batch, geometry, destination);
        }
    }
}
