using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// Output opening: both parties send their share of a secret and both learn the secret itself. This is the one
/// deliberate exception to "only masked values are opened" — the output is revealed to both parties, so use it only
/// for values the job is allowed to disclose (for instance a revealed training loss), and keep what is revealed small
/// (a scalar, not a tensor that could carry data). Every other protocol opens values under fresh dealer masks.
/// Cost: 1 round, n words each way; no correlated randomness.
/// </summary>
public static class Reveal
{
    /// <summary>
    /// Opens <paramref name="x"/> to both parties: the secret's ring values (decode with <c>x.Format</c>).
    /// Output revealed to both parties — use only for values the job is allowed to disclose.
    /// </summary>
    public static async ValueTask<RingTensor> ToBothAsync(PartyContext ctx, SharedTensor x, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.Check(x);
        var opened = new ulong[x.Length];
        await ctx.Peer.ExchangeAsync(x.Share.Data, opened, cancellationToken).ConfigureAwait(false); // the peer's share
        RingOps.Add(x.Share.Span, opened, opened);                                                  // x₀ + x₁ = x
        return new RingTensor(opened, x.Shape.ToArray());
    }
}
