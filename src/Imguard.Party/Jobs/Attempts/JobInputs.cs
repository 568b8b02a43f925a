using Imguard.Contracts.Jobs;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;

namespace Imguard.Party.Jobs.Attempts;

/// <summary>
/// What every attempt of a job runs on, read once when the job is taken from the queue: the description, its model,
/// options and fixed-point format, and this party's halves of the training set and of the test set, if any (for an
/// inference job, the images to classify). <see cref="TrainCounts"/>: the images of each training dataset in union
/// order (null: the one dataset's).
/// </summary>
internal sealed record JobInputs(JobDescription Description, ModelSpec Spec, TrainingOptions Options, FixedPointFormat Format, SharedDataset Train, SharedDataset? Test,
    IReadOnlyList<int>? TrainCounts = null)
{
    public string JobId => Description.JobId;
}
