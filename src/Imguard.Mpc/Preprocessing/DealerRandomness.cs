using Imguard.Mpc.Fss;
using Imguard.Mpc.Randomness;

namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// A party's correlated randomness from the trusted dealer: item i combines what the party expands from its seed
/// (stream i) with the dealer's message i. <see cref="PreprocessAsync"/> is the offline phase: it builds the items of a
/// whole plan up front, so the online phase only dequeues them. Items taken beyond the prepared ones are built on
/// demand unless <see cref="OnDemand"/> is off, in which case running out is an error.
/// </summary>
public sealed class DealerRandomness : ICorrelatedRandomness
{
    private readonly Seed _seed;
    private readonly IDealerFeed _feed;
    private readonly Queue<CorrelatedMaterial> _prepared = new();
    private long _nextIndex;

    public DealerRandomness(int partyId, Seed seed, IDealerFeed feed)
    {
        if (partyId is not (0 or 1))
        {
            throw MpcError.WrongParty(partyId);
        }
        ArgumentNullException.ThrowIfNull(feed);
        PartyId = partyId;
        _seed = seed;
        _feed = feed;
    }

    public int PartyId { get; }

    /// <summary>Whether items beyond the prepared ones are fetched from the dealer when taken (default true).</summary>
    public bool OnDemand { get; set; } = true;

    /// <summary>Items prepared and not yet taken.</summary>
    public int PreparedCount => _prepared.Count;

    /// <summary>Offline phase: builds every item of <paramref name="plan"/> now, in order.</summary>
    public async Task PreprocessAsync(RandomnessPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var request in plan.Requests)
        {
            _prepared.Enqueue(await BuildAsync(request, cancellationToken).ConfigureAwait(false));
        }
    }

    public async ValueTask<ElementwiseTriple> TakeElementwiseTripleAsync(int length, CancellationToken cancellationToken = default) =>
        (ElementwiseTriple)await TakeAsync(RandomnessRequest.ElementwiseTriple(length), cancellationToken).ConfigureAwait(false);

    public async ValueTask<MatrixTriple> TakeMatrixTripleAsync(int m, int k, int n, CancellationToken cancellationToken = default) =>
        (MatrixTriple)await TakeAsync(RandomnessRequest.MatrixTriple(m, k, n), cancellationToken).ConfigureAwait(false);

    public async ValueTask<MatrixTriple> TakeConvolutionTripleAsync(int batch, Ring.Conv2dGeometry geometry, int outChannels, CancellationToken cancellationToken = default) =>
        (MatrixTriple)await TakeAsync(RandomnessRequest.ConvolutionTriple(batch, geometry, outChannels), cancellationToken).ConfigureAwait(false);

    public async ValueTask<MatrixTriple> TakeConvolutionFilterGradientTripleAsync(int batch, Ring.Conv2dGeometry geometry, int outChannels, CancellationToken cancellationToken = default) =>
        (MatrixTriple)await TakeAsync(RandomnessRequest.ConvolutionFilterGradientTriple(batch, geometry, outChannels), cancellationToken).ConfigureAwait(false);

    public async ValueTask<TruncationMaterial> TakeTruncationAsync(int length, int fractionalBits, CancellationToken cancellationToken = default) =>
        (TruncationMaterial)await TakeAsync(RandomnessRequest.Truncation(length, fractionalBits), cancellationToken).ConfigureAwait(false);

    public async ValueTask<SignMaterial> TakeSignAsync(int length, int bits, bool withProduct, CancellationToken cancellationToken = default) =>
        (SignMaterial)await TakeAsync(RandomnessRequest.Sign(length, bits, withProduct), cancellationToken).ConfigureAwait(false);

    public async ValueTask<MatrixTriple> TakeConvolutionInputGradientTripleAsync(int batch, Ring.Conv2dGeometry geometry, int outChannels, CancellationToken cancellationToken = default) =>
        (MatrixTriple)await TakeAsync(RandomnessRequest.ConvolutionInputGradientTriple(batch, geometry, outChannels), cancellationToken).ConfigureAwait(false);

    public async ValueTask<BitSignMaterial> TakeBitSignAsync(int length, int bits, bool withProduct, CancellationToken cancellationToken = default) =>
        (BitSignMaterial)await TakeAsync(RandomnessRequest.BitSign(length, bits, withProduct), cancellationToken).ConfigureAwait(false);

    public async ValueTask<BitSignMaterial> TakeBitSignForBackwardAsync(int length, int bits, CancellationToken cancellationToken = default) =>
        (BitSignMaterial)await TakeAsync(RandomnessRequest.BitSignForBackward(length, bits), cancellationToken).ConfigureAwait(false);

    private async ValueTask<CorrelatedMaterial> TakeAsync(RandomnessRequest request, CancellationToken cancellationToken)
    {
        request.Validate();
        if (_prepared.TryDequeue(out var item))
        {
            if (item.Request != request)
            {
                throw MpcError.RandomnessOutOfOrder(_nextIndex - _prepared.Count - 1, request.ToString(), item.Request.ToString());
            }
            return item;
        }
        if (!OnDemand)
        {
            throw MpcError.RandomnessExhausted(request.ToString());
        }
        return await BuildAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<CorrelatedMaterial> BuildAsync(RandomnessRequest request, CancellationToken cancellationToken)
    {
        long index = _nextIndex++;
        var local = LocalShareExpansion.Expand(PartyId, _seed, index, request);
        var message = await _feed.ReceiveAsync(index, request, cancellationToken).ConfigureAwait(false);
        return Combine(request, local, message);
    }

    private CorrelatedMaterial Combine(RandomnessRequest request, LocalShareExpansion.Parts local, ulong[] message)
    {
        bool party0 = PartyId == 0;
        switch (request.Kind)
        {
            case RandomnessKind.ElementwiseTriple:
            case RandomnessKind.MatrixTriple:
            case RandomnessKind.ConvolutionTriple:
            case RandomnessKind.ConvolutionFilterGradientTriple:
            case RandomnessKind.ConvolutionInputGradientTriple:
            {
                var c = party0 ? local.C : message;
                ExpectLength(request, message);
                return request.Kind == RandomnessKind.ElementwiseTriple
                    ? new ElementwiseTriple(PartyId, request, local.A, local.B, c)
                    : new MatrixTriple(PartyId, request, local.A, local.B, c);
            }
            case RandomnessKind.Truncation:
            {
                int n = request.M;
                ExpectLength(request, message);
                // Party 1's halves stay in the message (read only): no copy of 2n words per truncation.
                ReadOnlyMemory<ulong> high = party0 ? local.Second : message.AsMemory(0, n);
                ReadOnlyMemory<ulong> wrap = party0 ? local.Third : message.AsMemory(n, n);
                return new TruncationMaterial(PartyId, request, local.Mask, high, wrap);
            }
            case RandomnessKind.BitSign:
            case RandomnessKind.BitSignWithProduct:
            case RandomnessKind.BitSignForBackward:
                return BuildBitSign(request, local, message);
            default:
            {
                int n = request.M;
                bool withProduct = request.Kind == RandomnessKind.SignWithProduct;
                int payload = withProduct ? 2 : 1;
                int cwWords = n * Dcf.CorrectionWords(request.Parameter - 1, payload);
                ExpectLength(request, message);
                var corrections = message[..cwWords];
                var topBit = party0 ? local.Second : message[cwWords..(cwWords + n)];
                var product = withProduct ? (party0 ? local.Third : message[(cwWords + n)..]) : null;
                return new SignMaterial(PartyId, request, local.Mask, local.Roots, corrections, topBit, product);
            }
        }
    }

    private BitSignMaterial BuildBitSign(RandomnessRequest request, LocalShareExpansion.Parts local, ulong[] message)
    {
        bool party0 = PartyId == 0;
        bool withProduct = request.Kind != RandomnessKind.BitSign, forBackward = request.Kind == RandomnessKind.BitSignForBackward;
        var layout = Dealer.BitSignLayout(request);
        ExpectLength(request, message);
        if (party0)
        {
            return new BitSignMaterial(PartyId, request, local.Mask, local.Bits, local.A, local.B, local.C, local.InjectBit,
                local.Second, withProduct ? local.Third : null, local.PairProducts,
                forBackward ? local.DerivativeMask : null, forBackward ? local.DerivativeProduct : null);
        }
        int at = 0;
        ulong[] Next(int words)
        {
            var part = message[at..(at + words)];
            at += words;
            return part;
        }
        var maskBits = Next(layout.BitWords);
        var pairProducts = Next(layout.PairWords);
        var products = Next(layout.AndWords);
        var value = Next(request.M);
        var timesMask = withProduct ? Next(request.M) : null;
        var derivativeProduct = forBackward ? Next(request.M) : null;
        return new BitSignMaterial(PartyId, request, local.Mask, maskBits, local.A, local.B, products, local.InjectBit, value, timesMask,
            pairProducts, forBackward ? local.DerivativeMask : null, derivativeProduct);
    }

    private void ExpectLength(RandomnessRequest request, ulong[] message)
    {
        long expected = Dealer.MessageWords(request, PartyId);
        if (message.Length != expected)
        {
            throw new InvalidDataException($"The dealer's message for a {request} has {message.Length} words, expected {expected}.");
        }
    }
}
