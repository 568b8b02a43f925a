using Imguard.Learning.Hiding;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Training;

/// <summary>
/// What one compute party receives from the dealer for a training job, besides the correlated randomness its
/// protocols consume: a job seed (its half of every dealt secret is expanded from it, or its own row masks), the
/// initial parameters as shares, and per epoch the public part of the hiding plan and the shares of the secret
/// coefficients; and, when the job evaluates with test-time encodings, their table rows and coefficient shares.
/// Party 0's halves all come from its seed, so its messages are empty; party 1 receives the corrections.
/// Imguard.Dealer's InProcessTrainingDealer implements it for one process; a networked feed implements the same, which is
/// why every message is awaited.
/// </summary>
public interface ITrainingFeed
{
    int PartyId { get; }

    /// <summary>This party's job seed. Fresh per job run (a resumed job gets a new one: streams must never repeat).</summary>
    Seed JobSeed { get; }

    /// <summary>Party 1: its shares of the initial parameters, concatenated in <see cref="Nn.ModelBuilder.ParameterShapes"/> order. Party 0: empty.</summary>
    ValueTask<ulong[]> InitialParametersAsync(CancellationToken cancellationToken = default);

    /// <summary>The public part of epoch <paramref name="epoch"/>'s hiding plan (the same for both parties).</summary>
    ValueTask<HidingEpoch> BeginEpochAsync(int epoch, CancellationToken cancellationToken = default);

    /// <summary>Party 1: the coefficient shares for batch <paramref name="batch"/> of the epoch. Party 0: empty.</summary>
    ValueTask<ulong[]> HidingBatchAsync(int epoch, int batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Batch <paramref name="batch"/> (of <see cref="TrainingOptions.BatchSize"/> test images) of test-time encoding
    /// <paramref name="encoding"/>, for jobs with <see cref="TrainingOptions.TestEncodings"/>: the public table rows for
    /// both parties, the coefficient shares for party 1 only (party 0's message is empty).
    /// </summary>
    ValueTask<TestEncodingBatch> TestEncodingBatchAsync(int encoding, int batch, CancellationToken cancellationToken = default);
}
