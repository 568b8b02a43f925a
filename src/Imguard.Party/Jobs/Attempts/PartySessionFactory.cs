using Imguard.Learning.Training;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Transport;

namespace Imguard.Party.Jobs.Attempts;

/// <summary>
/// Opens this party's <see cref="PartySession"/> for an attempt, the one place where training and inference build
/// their secure computation: the attempt's dealer items (<see cref="RemoteDealerFeed"/>), the correlated randomness
/// from them and the attempt's randomness seed, the <see cref="PartyContext"/> over the peer link, the dealer feed of
/// the job's public parts (<see cref="RemoteTrainingFeed"/>) and the model on shares (<see cref="SecureTraining"/>),
/// from a checkpoint or the dealt initial weights.
/// </summary>
internal sealed class PartySessionFactory(int partyId, DealerClient dealer, JobRunnerOptions options)
{
    /// <param name="start">The model share to start from: a checkpoint to resume training, the trained model for inference; null: the dealt initial weights.</param>
    /// <param name="prefetchOff">The prefetch failed in an earlier attempt of this run: fetch items as they are needed.</param>
    public async Task<PartySession> OpenAsync(JobInputs job, JoinedAttempt attempt, IPeerChannel channel, ModelCheckpoint? start,
        PartySessionPurpose purpose, bool prefetchOff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(channel);
        bool training = purpose == PartySessionPurpose.Training;
        var items = new RemoteDealerFeed(dealer, job.JobId, attempt.Attempt, training && options.Prefetch && !prefetchOff, cancellationToken);
        try
        {
            var randomness = new DealerRandomness(partyId, attempt.RandomnessSeed, items);
            var context = new PartyContext(partyId, channel, randomness, job.Format, job.Description.ComparisonBits) { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
            // Inference classifies clean images: its feed needs no batches, hiding or test set.
            var feed = training
                ? new RemoteTrainingFeed(dealer, job.JobId, attempt.Attempt, partyId, attempt.JobSeed, job.Train.Count, cancellationToken)
                {
                    TestCount = job.Test?.Count ?? 0,
                    K = job.Options.Hiding.SlotCount,
                    Mode = job.Options.Hiding.Mode,
                    Items = items,
                    BatchSize = job.Options.BatchSize,
                }
                : new RemoteTrainingFeed(dealer, job.JobId, attempt.Attempt, partyId, attempt.JobSeed, job.Train.Count, cancellationToken);
            SecureTraining model = await SecureTraining.CreateAsync(context, job.Spec, job.Options, feed, start, cancellationToken);
            return new PartySession(items, context, model);
        }
        catch
        {
            await items.DisposeAsync();
            throw;
        }
    }
}
