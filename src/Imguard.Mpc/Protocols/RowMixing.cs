using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// Secret linear combinations of the rows of a shared table, y_i = Σ_j c_ij ⊙ x_{p(i,j)}, where the dealer chose the
/// per-scalar coefficients c (kept secret: both parties hold only shares) and the partner indices p are public to the
/// parties. This is InstaHide on shares: c_ij = σ_i·λ_ij puts the mixing and the sign mask in one product.
/// <para>Protocol (a Beaver product whose second factor is the dealer's own secret, so it needs no opening): once per
/// table each party draws a row mask a_p,r from its own seed and the parties open e = x − a (a = a₀ + a₁), one round
/// for the whole table, each row's e then serves every use of that row. For output rows the dealer knows c and a, and
/// deals shares of c and of w_i = Σ_j c_ij ⊙ a_{p(i,j)}; then y_i = Σ_j [c_ij]·e_{p(i,j)} + [w_i] locally, and one
/// truncation (1 round) brings the 2f-bit products back to f bits.</para>
/// <para>Security (semi-honest, non-colluding dealer): e is x under a one-time pad a that is fresh per table, so it
/// reveals nothing; c and w arrive as seed-compressed shares (<see cref="DealtSecrets"/>), uniform to either party.
/// Cost: opening N·W words each way once per table (in frames of at most the channel's limit); per output batch of
/// M rows, 1 round (truncation) and M·(K+1)·W words from the dealer to party 1 (party 0 expands its half).</para>
/// <para>Exactness: Σ_j c·(e + a) = Σ_j c·x holds exactly in the ring; the only error is the truncation's (&lt; 1 ulp).</para>
/// </summary>
public static class RowMixing
{
    /// <summary>The opened e = x − a of a table (public to both parties, by design of the protocol).</summary>
    public sealed class MaskedTable
    {
        internal MaskedTable(int scope, int rows, int width, ulong[] opened)
        {
            Scope = scope;
            Rows = rows;
            Width = width;
            Opened = opened;
        }

        /// <summary>The dealt-secret scope (e.g. the epoch) whose row masks were used; never reuse it for another opening.</summary>
        public int Scope { get; }

        public int Rows { get; }

        public int Width { get; }

        internal ulong[] Opened { get; }
    }

    /// <summary>Opens the table with this party's row masks from stream (MixingMask, <paramref name="scope"/>, row) of its seed.</summary>
    public static async ValueTask<MaskedTable> OpenTableAsync(
        PartyContext ctx, SharedTensor table, Seed partySeed, int scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(table);
        if (table.Share.Rank != 2)
        {
            throw MpcError.InvalidShape("RowMixing needs a 2-D table (rows × width).");
        }
        int rows = table.Shape[0], width = table.Shape[1];
        var opened = new ulong[table.Share.Length];
        var source = table.Share.Data;
        // Frames stay well under the channel's limit; each chunk is one round.
        int rowsPerChunk = Math.Max(1, Math.Min(rows, ctx.Peer.MaxFrameBytes / 2 / 8 / Math.Max(width, 1)));
        var mask = new ulong[width];
        for (int start = 0; start < rows; start += rowsPerChunk)
        {
            int count = Math.Min(rowsPerChunk, rows - start);
            var masked = new ulong[count * width];
            for (int r = 0; r < count; r++)
            {
                RowMask(partySeed, scope, start + r, mask);
                RingOps.Subtract(source.AsSpan((start + r) * width, width), mask, masked.AsSpan(r * width, width));
            }
            await ctx.OpenAsync(masked, opened.AsMemory(start * width, count * width), cancellationToken).ConfigureAwait(false);
        }
        return new MaskedTable(scope, rows, width, opened);
    }

    /// <summary>
    /// The dealer's message to party 1 for output batch <paramref name="batch"/>: [c − c₀ | w − w₀], with
    /// <paramref name="coefficients"/> c of M×K×W ring values and <paramref name="partners"/> p of M×K row indices.
    /// </summary>
    public static ulong[] DealerMessage(
        Seed seed0, Seed seed1, int scope, int batch, ReadOnlySpan<int> partners, int k, ReadOnlySpan<ulong> coefficients, int width)
    {
        int m = CheckBatch(partners, k, coefficients.Length, width);
        var offsets = new ulong[m * width];
        var a0 = new ulong[width];
        var a1 = new ulong[width];
        var product = new ulong[width];
        for (int i = 0; i < m; i++)
        {
            var w = offsets.AsSpan(i * width, width);
            for (int j = 0; j < k; j++)
            {
                int row = partners[i * k + j];
                RowMask(seed0, scope, row, a0);
                RowMask(seed1, scope, row, a1);
                RingOps.Add(a0, a1, a0);                                                       // a of the partner row
                RingOps.Multiply(coefficients.Slice((i * k + j) * width, width), a0, product);
                RingOps.Add(w, product, w);                                                    // w_i += c_ij ⊙ a
            }
        }
        var message = new ulong[coefficients.Length + offsets.Length];
        DealtSecrets.MessageForParty1(seed0, DealtSecrets.Stream(DealtPurpose.MixingCoefficients, scope, batch), coefficients)
            .CopyTo(message, 0);
        DealtSecrets.MessageForParty1(seed0, DealtSecrets.Stream(DealtPurpose.MixingOffsets, scope, batch), offsets)
            .CopyTo(message, coefficients.Length);
        Array.Clear(offsets);
        return message;
    }

    /// <summary>
    /// Shares of the mixed rows y (M×W, f fractional bits) of batch <paramref name="batch"/>. Party 1 passes the dealer's
    /// message; party 0 expands its halves from its seed and passes an empty array. 1 round (truncation).
    /// </summary>
    public static async ValueTask<SharedTensor> MixAsync(
        PartyContext ctx, MaskedTable table, Seed partySeed, int batch, int[] partners, int k, ulong[] messageForParty1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(partners);
        ArgumentNullException.ThrowIfNull(messageForParty1);
        int width = table.Width;
        if (k < 1 || partners.Length % k != 0)
        {
            throw MpcError.InvalidShape($"RowMixing needs M×K partner indices with K ≥ 1; got {partners.Length} for K = {k}.");
        }
        int m = partners.Length / k;
        foreach (int row in partners)
        {
            if ((uint)row >= (uint)table.Rows)
            {
                throw MpcError.OutOfRange(nameof(partners), $"Partner row {row} is outside the table of {table.Rows} rows.");
            }
        }
        int coefficientLength = checked(m * k * width);
        RingTensor coefficients, offsets;
        if (ctx.PartyId == 1)
        {
            if (messageForParty1.Length != coefficientLength + m * width)
            {
                MpcError.ThrowLengthMismatch("row-mixing message", coefficientLength + (long)m * width, messageForParty1.Length);
            }
            coefficients = new RingTensor(messageForParty1[..coefficientLength], m, k, width);
            offsets = new RingTensor(messageForParty1[coefficientLength..], m, width);
        }
        else
        {
            coefficients = DealtSecrets.ShareOf(0, partySeed, DealtSecrets.Stream(DealtPurpose.MixingCoefficients, table.Scope, batch), [m, k, width], []);
            offsets = DealtSecrets.ShareOf(0, partySeed, DealtSecrets.Stream(DealtPurpose.MixingOffsets, table.Scope, batch), [m, width], []);
        }

        var mixed = offsets.Data;                                                              // y_i starts at [w_i]
        var product = new ulong[width];
        for (int i = 0; i < m; i++)
        {
            var y = mixed.AsSpan(i * width, width);
            for (int j = 0; j < k; j++)
            {
                var e = table.Opened.AsSpan(partners[i * k + j] * width, width);
                RingOps.Multiply(coefficients.Span.Slice((i * k + j) * width, width), e, product);
                RingOps.Add(y, product, y);                                                    // + [c_ij]·e_{p(i,j)}
            }
        }
        Array.Clear(coefficients.Data);
        return await Truncation.TruncateAsync(ctx, ctx.Wrap(mixed, [m, width]), cancellationToken).ConfigureAwait(false);
    }

    private static void RowMask(Seed seed, int scope, int row, Span<ulong> destination) =>
        DealtSecrets.Expand(seed, DealtSecrets.Stream(DealtPurpose.MixingMask, scope, row), destination);

    private static int CheckBatch(ReadOnlySpan<int> partners, int k, int coefficientLength, int width)
    {
        if (k < 1 || width < 1 || partners.Length % k != 0)
        {
            throw MpcError.InvalidShape($"RowMixing needs K ≥ 1, width ≥ 1 and M×K partners; got K = {k}, width = {width}, {partners.Length} partners.");
        }
        int m = partners.Length / k;
        if (coefficientLength != (long)m * k * width)
        {
            MpcError.ThrowLengthMismatch("row-mixing coefficients", (long)m * k * width, coefficientLength);
        }
        return m;
    }
}
