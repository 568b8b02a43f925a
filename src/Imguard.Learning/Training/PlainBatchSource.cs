using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Training;

/// <summary>
/// Batches of the plaintext reference: the epoch's <see cref="EpochHidingPlan"/> applied by
/// <see cref="InstaHideEncoder"/>, batch by batch in the plan's order. Given the plans the dealer used, it yields
/// what the secure batch source reconstructs to (up to fixed-point rounding).
/// </summary>
public sealed class PlainBatchSource : IBatchSource<PlainTensor>
{
    private readonly LabeledImages _data;
    private readonly double[] _pixels;
    private readonly int _batchSize;
    private readonly Func<int, EpochHidingPlan> _planFor;
    private EpochHidingPlan? _plan;

    /// <param name="standardized">The training set, already standardised.</param>
    /// <param name="hiding">Mode, K and bound.</param>
    /// <param name="batchSize">Rows per batch (the last batch may be short).</param>
    /// <param name="planFor">Each epoch's plan; by default drawn from a fresh CSPRNG seed.</param>
    public PlainBatchSource(LabeledImages standardized, InstaHideOptions hiding, int batchSize, Func<int, EpochHidingPlan>? planFor = null)
    {
        ArgumentNullException.ThrowIfNull(standardized);
        ArgumentNullException.ThrowIfNull(hiding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _data = standardized;
        _pixels = Array.ConvertAll(standardized.Pixels, v => (double)v);
        _batchSize = batchSize;
        _planFor = planFor ?? (_ =>
        {
            using var prg = new AesCtrPrg(Seed.Random());
            return EpochHidingPlan.Draw(hiding, standardized.Count, standardized.ImageSize, prg);
        });
    }

    public ValueTask<int> BeginEpochAsync(int epoch, CancellationToken cancellationToken)
    {
        _plan?.Dispose();
        _plan = _planFor(epoch);
        return ValueTask.FromResult(_plan.BatchCount(_batchSize));
    }

    public ValueTask<(PlainTensor Inputs, PlainTensor SoftLabels)> BatchAsync(int batch, CancellationToken cancellationToken)
    {
        var plan = _plan ?? throw new InvalidOperationException("Call BeginEpochAsync before asking for a batch.");
        var rows = plan.BatchRows(batch, _batchSize);
        int c = _data.ClassCount;
        var inputs = new PlainTensor(rows.Length, _data.Channels, _data.Height, _data.Width);
        var labels = new PlainTensor(rows.Length, c);
        InstaHideEncoder.EncodeBatch(plan, _pixels, _data.Labels, c, rows, inputs.Data, labels.Data);
        return ValueTask.FromResult((inputs, labels));
    }
}
