using Imguard.Contracts.Jobs;

namespace Imguard.Dealer.Sessions;

/// <summary>
/// What the dealer knows of a job: its public description, N, the number of training images, and the number of test
/// images (0 without a test set; used only for test-time encodings). Shapes and counts only.
/// </summary>
public sealed record DealerJob(JobDescription Description, int TrainingCount, int TestCount = 0);
