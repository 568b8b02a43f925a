using Imguard.Learning.Hiding;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Training;

/// <summary>Batches on shares: each epoch's encoding by <see cref="SecureInstaHide"/> with the dealer's feed.</summary>
public sealed class SecureBatchSource(PartyContext context, SharedDataset data, ITrainingFeed feed, int batchSize) : IBatchSource<SharedTensor>
{
    private readonly SecureInstaHide _hiding = new(context, data, feed.JobSeed);
    private HidingEpoch? _epoch;

    public async ValueTask<int> BeginEpochAsync(int epoch, CancellationToken cancellationToken)
    {
        _epoch = await feed.BeginEpochAsync(epoch, cancellationToken).ConfigureAwait(false);
        await _hiding.BeginEpochAsync(_epoch, cancellationToken).ConfigureAwait(false);
        return _epoch.BatchCount(batchSize);
    }

    public async ValueTask<(SharedTensor Inputs, SharedTensor SoftLabels)> BatchAsync(int batch, CancellationToken cancellationToken)
    {
        var epoch = _epoch ?? throw new InvalidOperationException("Call BeginEpochAsync before asking for a batch.");
        ulong[] coefficients = await feed.HidingBatchAsync(epoch.Epoch, batch, cancellationToken).ConfigureAwait(false);
        return await _hiding.EncodeBatchAsync(batch, batchSize, coefficients, cancellationToken).ConfigureAwait(false);
    }
}
