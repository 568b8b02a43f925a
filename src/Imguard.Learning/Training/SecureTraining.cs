using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Nn.Loss;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Training;

/// <summary>
/// One compute party's side of a training job: the model built from the dealt initial shares (or a checkpoint),
/// InstaHide-encoded batches from <see cref="SecureBatchSource"/>, the shared <see cref="Trainer{T}"/> loop, and a
/// checkpoint of this party's model share after every epoch. Both parties run it with the same spec, options and
/// dataset shape, in step. With <see cref="TrainingOptions.RevealLoss"/> each step also opens its batch's mean loss
/// to both parties (<see cref="SoftmaxCrossEntropy.RevealLossAsync"/>: one scalar per step, 92 more rounds) and
/// reports it in <see cref="TrainingProgress.Loss"/>; otherwise nothing is opened.
/// </summary>
public sealed class SecureTraining
{
    private readonly PartyContext _context;
    private readonly ITrainingFeed _feed;
    private readonly Trainer<SharedTensor> _trainer;
    private int _encodedEvaluations;

    /// <param name="context">This party's protocol context (ReLU comparisons at its ComparisonBits).</param>
    /// <param name="spec">The model.</param>
    /// <param name="options">Hyper-parameters; both parties must use the same.</param>
    /// <param name="feed">The dealer's feed for this job run.</param>
    /// <param name="resumeFrom">This party's last checkpoint, to continue after it; null to start from the dealt initial weights (awaited from <paramref name="feed"/> here).</param>
    /// <param name="cancellationToken">Stops waiting for the initial weights.</param>
    public static async Task<SecureTraining> CreateAsync(PartyContext context, ModelSpec spec, TrainingOptions options, ITrainingFeed feed,
        ModelCheckpoint? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ulong[]? initial = resumeFrom is null ? await feed.InitialParametersAsync(cancellationToken).ConfigureAwait(false) : null;
        return new SecureTraining(context, spec, options, feed, resumeFrom, initial);
    }

    private SecureTraining(PartyContext context, ModelSpec spec, TrainingOptions options, ITrainingFeed feed, ModelCheckpoint? resumeFrom, ulong[]? initial)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _feed = feed ?? throw new ArgumentNullException(nameof(feed));
        if (feed.PartyId != context.PartyId)
        {
            throw LearningError.InvalidArgument($"The dealer feed is for party {feed.PartyId}; this is party {context.PartyId}.");
        }
        Engine = new SecureEngine(context) { PrepareReluBackward = true };
        Sequential<SharedTensor> model;
        if (resumeFrom is null)
        {
            model = ModelBuilder.Build(spec, InitialShares(initial!));
        }
        else
        {
            if (resumeFrom.PartyId != context.PartyId || resumeFrom.Format != context.Format || resumeFrom.Spec.ToJson() != spec.ToJson())
            {
                throw LearningError.InvalidArgument("The checkpoint belongs to another party, format or model.");
            }
            model = ModelBuilder.Build(spec, resumeFrom.Values.Select(Wrap).ToArray());
            var parameters = model.Parameters;
            for (int i = 0; i < parameters.Count; i++)
            {
                parameters[i].Velocity = resumeFrom.Velocities[i] is { } v ? Wrap(v) : null;
            }
            NextEpoch = resumeFrom.EpochsCompleted;
        }
        _trainer = new Trainer<SharedTensor>(Engine, model, options)
        {
            // Called only when options.RevealLoss: opens one scalar per step (see RevealLossAsync for what it leaks).
            LossOf = (probabilities, labels, ct) => SoftmaxCrossEntropy.RevealLossAsync(Engine, probabilities, labels, ct),
        };
    }

    public ModelSpec Spec { get; }

    public TrainingOptions Options { get; }

    /// <summary>The training engine: every ReLU prepares its backward product (see <see cref="SecureEngine.PrepareReluBackward"/>).</summary>
    public SecureEngine Engine { get; }

    public Sequential<SharedTensor> Model => _trainer.Model;

    /// <summary>The next epoch to train (0-based): 0 for a new job, the checkpoint's epochs for a resumed one.</summary>
    public int NextEpoch { get; private set; }

    /// <summary>
    /// Trains the remaining epochs on <paramref name="train"/>. After each epoch the checkpoint goes to
    /// <paramref name="checkpointPath"/> (atomically) when given, and <paramref name="epochCompleted"/> runs.
    /// </summary>
    public async Task TrainAsync(SharedDataset train, string? checkpointPath = null, IProgress<TrainingProgress>? progress = null,
        Func<int, CancellationToken, Task>? epochCompleted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.PartyId != _context.PartyId || train.Format != _context.Format)
        {
            throw LearningError.InvalidArgument("The shared dataset belongs to another party or fixed-point format.");
        }
        if (!train.ImageShape.SequenceEqual(Spec.Input) || train.Classes != Spec.Classes)
        {
            throw LearningError.InvalidArgument(
                $"The dataset has images [{string.Join(", ", train.ImageShape)}] and {train.Classes} classes; the model expects [{string.Join(", ", Spec.Input)}] and {Spec.Classes}.");
        }
        var source = new SecureBatchSource(_context, train, _feed, Options.BatchSize);
        while (NextEpoch < Options.Epochs)
        {
            await _trainer.TrainEpochAsync(source, NextEpoch, progress, cancellationToken).ConfigureAwait(false);
            NextEpoch++;
            if (checkpointPath is not null)
            {
                Checkpoint().Save(checkpointPath);
            }
            if (epochCompleted is not null)
            {
                await epochCompleted(NextEpoch, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>This party's share of the model as it is now.</summary>
    public ModelCheckpoint Checkpoint() => ModelCheckpoint.Of(_context.PartyId, _context.Format, NextEpoch, Spec, Model);

    /// <summary>Secure evaluation of the current model on the clean images of a shared test set; see <see cref="SecureEvaluation"/>.</summary>
    public Task<EvaluationShares> EvaluateAsync(SharedDataset test, int batchSize, CancellationToken cancellationToken = default) =>
        SecureEvaluation.EvaluateAsync(new SecureEngine(_context), Model, test, batchSize, cancellationToken);

    /// <summary>
    /// "InstaHide in inference" of the current model (<see cref="SecureInstaHideInference"/>): each test image encoded
    /// <see cref="TrainingOptions.TestEncodings"/> times with <paramref name="partners"/> (the training set) under the
    /// dealer's secret coefficients, in batches of the job's batch size (how the dealer cut its plan). Once per run:
    /// the dealer deals the encodings of one evaluation.
    /// </summary>
    public Task<EvaluationShares> EvaluateEncodedAsync(SharedDataset test, SharedDataset partners, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(partners);
        var encoding = Options.TestEncoding ?? throw LearningError.InvalidArgument("These training options ask for no test-time encodings.");
        if (_encodedEvaluations++ > 0)
        {
            throw LearningError.InvalidArgument("The test-time encodings of a job run are dealt for one evaluation; this run has used them.");
        }
        return SecureInstaHideInference.EvaluateAsync(new SecureEngine(_context), Model, test, partners, _feed.JobSeed,
            SecureInstaHideInference.FirstScope, encoding.Encodings, encoding.Hiding.SlotCount, Options.BatchSize,
            async (t, b, ct) =>
            {
                var batch = await _feed.TestEncodingBatchAsync(t, b, ct).ConfigureAwait(false);
                return (batch.TableRows, batch.Message);
            }, cancellationToken);
    }

    private SharedTensor[] InitialShares(ulong[] message)
    {
        var shapes = ModelBuilder.ParameterShapes(Spec);
        int expected = shapes.Sum(s => s.Aggregate(1, (a, b) => a * b));
        if (_context.PartyId == 1 && message.Length != expected)
        {
            throw LearningError.LengthMismatch("initial parameter shares", expected, message.Length);
        }
        var result = new SharedTensor[shapes.Count];
        int offset = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            int length = shapes[i].Aggregate(1, (a, b) => a * b);
            var part = _context.PartyId == 1 ? message[offset..(offset + length)] : [];
            result[i] = Wrap(Mpc.Preprocessing.DealtSecrets.ShareOf(_context.PartyId, _feed.JobSeed, InitialParameterStreams.Of(i), shapes[i], part));
            offset += length;
        }
        return result;
    }

    private SharedTensor Wrap(RingTensor share) => new(_context.PartyId, share, _context.Format);
}
