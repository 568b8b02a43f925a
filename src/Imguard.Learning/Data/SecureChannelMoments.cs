using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Data;

/// <summary>
/// Per-channel Σx and Σx² over shared images, opening only those 2·C numbers (issue 17, item 3: one standardisation
/// for the union of several owners' datasets; docs/multi-owner.md). Each party passes its shares of the images in
/// batches; nothing about a batch, an owner or an image is opened.
/// </summary>
/// <remarks>
/// <para>Σx is local: each party sums its shares (exact in the ring).</para>
/// <para>Σx² of a batch is the diagonal of X·Xᵀ, with X the batch's values laid out as C rows (one per channel): one
/// Beaver matrix product (1 round; C·M + M·C words each way for M values per channel) and one truncation of the C
/// diagonal entries from scale 2f to f (1 round). The two openings of the product, X − A and Xᵀ − B, use independent
/// uniform masks, so they say nothing about X. The off-diagonal entries (cross-channel sums) are computed but never
/// opened: C ≤ 3 makes the waste negligible and it keeps the whole batch to one product.</para>
/// <para>Error: Σx is exact on the encoded values; each batch's truncation is off by less than one unit in the last
/// place, so |Σx² − exact| &lt; batches · 2^−f on the encoded values. The truncation needs each batch's Σx² per channel
/// below 2^(62 − 2f) (2^30 at f = 16): about a million values of magnitude up to 32, so batches of up to 1,024 images of
/// 32×32 are safe for any standardised or raw-scaled pixels.</para>
/// </remarks>
public static class SecureChannelMoments
{
    /// <summary>The most values per channel in one batch (keeps Σx² per batch inside the truncation's range; see remarks).</summary>
    public const int MaxValuesPerBatch = 1 << 20;

    /// <param name="ctx">This party's context (peer, dealer, format).</param>
    /// <param name="imageBatches">This party's shares of the images, each batch [rows, C·H·W] (or [rows, C, H, W]) in channel-major order.</param>
    /// <param name="channels">C.</param>
    /// <param name="cancellationToken">Cancels the protocol.</param>
    public static async ValueTask<ChannelMoments> ComputeAsync(PartyContext ctx, IAsyncEnumerable<SharedTensor> imageBatches, int channels,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(imageBatches);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        var sums = new ulong[channels];
        var squares = new ulong[channels];
        long count = 0;
        await foreach (SharedTensor batch in imageBatches.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            int rows = batch.Shape[0];
            if (rows == 0)
            {
                continue;
            }
            int perImage = batch.Length / rows;
            if (perImage % channels != 0)
            {
                throw LearningError.InvalidArgument($"A batch of {rows} images with {perImage} values each does not split into {channels} channels.");
            }
            int area = perImage / channels, values = rows * area;
            if (values > MaxValuesPerBatch)
            {
                throw LearningError.InvalidArgument($"A batch holds {values} values per channel; at most {MaxValuesPerBatch} keep Σx² within the truncation's range.");
            }
            // X: C rows of the batch's values of one channel each; Xᵀ beside it. Local rearrangements of this party's shares.
            ReadOnlySpan<ulong> share = batch.Share.Span;
            var x = new ulong[channels * values];
            var xt = new ulong[values * channels];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < channels; c++)
                {
                    ReadOnlySpan<ulong> plane = share.Slice(r * perImage + c * area, area);
                    plane.CopyTo(x.AsSpan(c * values + r * area, area));
                    for (int i = 0; i < area; i++)
                    {
                        xt[(r * area + i) * channels + c] = plane[i];
                    }
                }
            }
            for (int c = 0; c < channels; c++)
            {
                ulong total = 0;
                foreach (ulong v in x.AsSpan(c * values, values))
                {
                    total = unchecked(total + v);
                }
                sums[c] = unchecked(sums[c] + total);
            }
            SharedTensor gram = await Beaver.MatMulRawAsync(ctx,
                new SharedTensor(ctx.PartyId, new RingTensor(x, channels, values), ctx.Format),
                new SharedTensor(ctx.PartyId, new RingTensor(xt, values, channels), ctx.Format), cancellationToken).ConfigureAwait(false);
            var diagonal = new ulong[channels];
            for (int c = 0; c < channels; c++)
            {
                diagonal[c] = gram.Share.Span[c * channels + c];
            }
            SharedTensor truncated = await Truncation.TruncateAsync(ctx, new SharedTensor(ctx.PartyId, new RingTensor(diagonal, channels), ctx.Format),
                cancellationToken).ConfigureAwait(false);
            for (int c = 0; c < channels; c++)
            {
                squares[c] = unchecked(squares[c] + truncated.Share.Span[c]);
            }
            Array.Clear(x);
            Array.Clear(xt);
            count += values;
        }
        if (count == 0)
        {
            throw LearningError.InvalidArgument("There are no images to compute statistics over.");
        }
        // The one opening: Σx and Σx² per channel, together.
        RingTensor opened = await Reveal.ToBothAsync(ctx, new SharedTensor(ctx.PartyId, new RingTensor([.. sums, .. squares], 2 * channels), ctx.Format),
            cancellationToken).ConfigureAwait(false);
        double[] values2 = ctx.Format.Decode(opened.Span);
        return new ChannelMoments(count, values2[..channels], values2[channels..]);
    }
}
