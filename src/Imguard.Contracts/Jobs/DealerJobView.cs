namespace Imguard.Contracts.Jobs;

/// <summary>
/// <c>GET /internal/dealer/jobs/{id}</c> on the platform, for the dealer's certificate only: what a dealer running as
/// its own service needs to plan a job's randomness: its public description, N (training images) and the number of
/// test images (0 without a test set). Shapes and counts only, nothing secret: no data, no seed, no user.
/// </summary>
public sealed record DealerJobView(JobDescription Description, int TrainingCount, int TestCount);
