using System.Diagnostics;
using Imguard.Learning.Nn;
using Imguard.Learning.Nn.Loss;
using Imguard.Learning.Nn.Optim;

namespace Imguard.Learning.Training;

/// <summary>
/// The training loop, written once for both engines: per epoch the learning rate from the schedule, then for each
/// batch of the source one step (forward, softmax cross-entropy gradient, backward, SGD) and a progress report.
/// The plaintext run is the reference the secure run is measured against.
/// </summary>
public sealed class Trainer<T> where T : class
{
    private readonly ITensorEngine<T> _engine;
    private readonly TrainingOptions _options;

    public Trainer(ITensorEngine<T> engine, Sequential<T> model, TrainingOptions options)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        Optimizer = new Sgd(options.LearningRate, options.Momentum, options.WeightDecay);
    }

    public Sequential<T> Model { get; }

    public Sgd Optimizer { get; }

    /// <summary>
    /// Reveals a batch's mean loss from (probabilities, soft labels); called after every step only when the options
    /// reveal the loss (<see cref="TrainingOptions.RevealLoss"/>), and its value goes into <see cref="TrainingProgress.Loss"/>.
    /// On plaintext tensors it defaults to <see cref="SoftmaxCrossEntropy.Loss"/>, so that a reference run reports what a
    /// secure run reveals; on shares it defaults to null (no loss reported) and <see cref="SecureTraining"/> sets
    /// <see cref="SoftmaxCrossEntropy.RevealLossAsync"/>.
    /// </summary>
    public Func<T, T, CancellationToken, ValueTask<double>>? LossOf { get; init; } = PlainLoss as Func<T, T, CancellationToken, ValueTask<double>>;

    private static readonly Func<PlainTensor, PlainTensor, CancellationToken, ValueTask<double>> PlainLoss =
        (probabilities, labels, _) => ValueTask.FromResult(SoftmaxCrossEntropy.Loss(probabilities, labels));

    /// <summary>Trains epoch <paramref name="epoch"/> (0-based); returns the number of steps taken.</summary>
    public async Task<int> TrainEpochAsync(IBatchSource<T> source, int epoch, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        Optimizer.LearningRate = _options.Schedule.RateAt(_options.LearningRate, epoch, _options.Epochs);
        var clock = Stopwatch.StartNew();
        int batches = await source.BeginEpochAsync(epoch, cancellationToken).ConfigureAwait(false);
        long images = 0;
        for (int b = 0; b < batches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (inputs, labels) = await source.BatchAsync(b, cancellationToken).ConfigureAwait(false);
            var probabilities = await Model.TrainStepAsync(_engine, inputs, labels, Optimizer, cancellationToken).ConfigureAwait(false);
            images += _engine.ShapeOf(inputs)[0];
            double? loss = _options.RevealLoss && LossOf is not null
                ? await LossOf(probabilities, labels, cancellationToken).ConfigureAwait(false)
                : null;
            TimeSpan elapsed = clock.Elapsed;
            progress?.Report(new TrainingProgress(epoch, _options.Epochs, b + 1, batches, images / Math.Max(elapsed.TotalSeconds, 1e-9), Optimizer.LearningRate, loss,
                elapsed));
        }
        return batches;
    }
}
