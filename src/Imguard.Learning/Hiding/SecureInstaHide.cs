using Imguard.Learning.Training;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Hiding;

/// <summary>
/// The parties' side of InstaHide on shares (spec.md §11 on secret-shared data): each encoded row
/// x̃_i = σ_i ⊙ Σ_j λ_ij x_{π_j(i)} and its soft label ỹ_i = Σ_j λ_ij y_{π_j(i)} are computed by
/// <see cref="RowMixing"/> on the table [images | one-hot labels], with σ and λ dealt as shares by
/// Imguard.Dealer's HidingDealer. Nothing is opened but the one-time-padded table; encodings and labels stay shared.
/// Error against <see cref="InstaHideEncoder"/> under the same plan: each λ is rounded to the fixed-point grid
/// (≤ 2^-(f+1)) and the sum truncated once (&lt; 2^-f), so |secure − reference| ≤ (Σ_j|x_j|/2 + 1)·2^-f per scalar.
/// Cost per epoch: one opening of N·(D+C) words; per batch of M rows 1 round and M·(K+1)·(D+C) dealt words.
/// </summary>
public sealed class SecureInstaHide
{
    private readonly PartyContext _context;
    private readonly SharedDataset _data;
    private readonly Seed _partySeed;
    private RowMixing.MaskedTable? _table;
    private HidingEpoch? _epoch;

    public SecureInstaHide(PartyContext context, SharedDataset data, Seed partySeed)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _data = data ?? throw new ArgumentNullException(nameof(data));
        _partySeed = partySeed;
    }

    /// <summary>Starts an epoch: for a hiding mode, opens the masked table (1 round per frame-sized chunk).</summary>
    public async ValueTask BeginEpochAsync(HidingEpoch epoch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        if (epoch.Count != _data.Count)
        {
            throw LearningError.InvalidArgument($"The epoch covers {epoch.Count} images; the shared dataset has {_data.Count}.");
        }
        _epoch = epoch;
        _table = epoch.Mode == HidingMode.Off
            ? null
            : await RowMixing.OpenTableAsync(_context, _data.ImagesWithLabels(), _partySeed, epoch.Epoch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The encoded images (M×C×H×W) and soft labels (M×C) of batch <paramref name="batch"/>. Party 1 passes the
    /// dealer's message for the batch; party 0 passes an empty array. Mode off: the batch's rows as they are (local).
    /// </summary>
    public async ValueTask<(SharedTensor Images, SharedTensor SoftLabels)> EncodeBatchAsync(
        int batch, int batchSize, ulong[] messageForParty1, CancellationToken cancellationToken = default)
    {
        var epoch = _epoch ?? throw new InvalidOperationException("Call BeginEpochAsync before encoding a batch.");
        if (epoch.Mode == HidingMode.Off)
        {
            return _data.Gather(epoch.BatchRows(batch, batchSize));
        }
        var partners = epoch.BatchPartners(batch, batchSize);
        var mixed = await RowMixing.MixAsync(_context, _table!, _partySeed, batch, partners, epoch.K, messageForParty1, cancellationToken).ConfigureAwait(false);
        int m = partners.Length / epoch.K, d = _data.ImageScalars, c = _data.Classes, w = d + c;
        var images = new RingTensor(m, _data.ImageShape[0], _data.ImageShape[1], _data.ImageShape[2]);
        var labels = new RingTensor(m, c);
        for (int i = 0; i < m; i++)
        {
            mixed.Share.Span.Slice(i * w, d).CopyTo(images.Span.Slice(i * d, d));
            mixed.Share.Span.Slice(i * w + d, c).CopyTo(labels.Span.Slice(i * c, c));
        }
        return (mixed.WithShare(images), mixed.WithShare(labels));
    }
}
