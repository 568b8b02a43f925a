using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Dealer;

/// <summary>What the dealer knows of a job: its public description and N, the number of training images (shapes and counts only).</summary>
public sealed record DealerJob(JobDescription Description, int TrainingCount);
