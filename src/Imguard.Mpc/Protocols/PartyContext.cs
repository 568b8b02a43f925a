using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// Everything a protocol step needs, passed explicitly (no global state): which party this is, the channel to the
/// other party, the source of correlated randomness, the fixed-point format and the bit width comparisons assume.
/// One context runs one protocol flow at a time.
/// </summary>
public sealed class PartyContext
{
    public PartyContext(int partyId, IPeerChannel peer, ICorrelatedRandomness randomness, FixedPointFormat format, int comparisonBits = 64)
    {
        if (partyId is not (0 or 1))
        {
            throw MpcError.WrongParty(partyId);
        }
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(randomness);
        if (randomness.PartyId != partyId)
        {
            throw MpcError.PartyMismatch("The randomness source", partyId, randomness.PartyId);
        }
        if (comparisonBits is < 2 or > 64)
        {
            throw MpcError.OutOfRange(nameof(comparisonBits), "Comparisons work on 2 to 64 bits.");
        }
        PartyId = partyId;
        Peer = peer;
        Randomness = randomness;
        Format = format;
        ComparisonBits = comparisonBits;
    }

    public int PartyId { get; }

    public IPeerChannel Peer { get; }

    public ICorrelatedRandomness Randomness { get; }

    public FixedPointFormat Format { get; }

    /// <summary>
    /// ℓ: comparisons (DReLU, ReLU, max) are exact for inputs whose signed ring value lies in [−2^(ℓ−1), 2^(ℓ−1)).
    /// 64 (the default) covers the whole ring; smaller ℓ makes the comparison material smaller and evaluation faster.
    /// </summary>
    public int ComparisonBits { get; }

    /// <summary>How comparisons run: the binary circuit (default) or the one-round DCF (see <see cref="Protocols.Comparison"/>).</summary>
    public ComparisonProtocol Comparison { get; init; } = ComparisonProtocol.BinaryCircuit;

    /// <summary>Threads the local kernels of this party may use (-1: all cores).</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    public TransferStatistics Statistics => Peer.Statistics;

    /// <summary>
    /// Opens masked values: sends this party's share of each, receives the peer's, and writes the sums to
    /// <paramref name="opened"/>. All inputs go in one frame: one round however many tensors. Only call with values
    /// masked by fresh randomness.
    /// </summary>
    internal async ValueTask OpenAsync(ReadOnlyMemory<ulong> maskedShare, Memory<ulong> opened, CancellationToken cancellationToken)
    {
        await Peer.ExchangeAsync(maskedShare, opened, cancellationToken).ConfigureAwait(false);
        RingOps.Add(maskedShare.Span, opened.Span, opened.Span);
    }

    internal void Check(SharedTensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.PartyId != PartyId)
        {
            throw MpcError.PartyMismatch("A shared tensor", PartyId, x.PartyId);
        }
        if (x.Format != Format)
        {
            throw MpcError.FormatMismatch(Format.FractionalBits, x.Format.FractionalBits);
        }
    }

    internal SharedTensor Wrap(RingTensor share) => new(PartyId, share, Format);

    internal SharedTensor Wrap(ulong[] share, ReadOnlySpan<int> shape) => new(PartyId, new RingTensor(share, shape.ToArray()), Format);
}

/// <summary>
/// The two comparison protocols, picked by measurement (<c>imguard bench mpc</c>, <c>imguard bench train</c>): the DCF
/// needs 1 round but about 1 KB of dealer keys per comparison to each party (and AES work on both sides), which makes
/// the offline phase, not the online one, the bottleneck of training; the binary circuit needs about 28 bytes, to party
/// 1 only, for 2 + ⌈log₂(ℓ−1)⌉ rounds.
/// </summary>
public enum ComparisonProtocol
{
    /// <summary>Masked opening, then a carry tree of Beaver ANDs on bit-sliced shares (<see cref="BinaryComparison"/>).</summary>
    BinaryCircuit = 0,

    /// <summary>Distributed comparison function keys (Boyle et al. 2021): one round.</summary>
    FunctionSecretSharing = 1,
}
