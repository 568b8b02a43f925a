
namespace Imguard.Contracts.Jobs;

/// <summary>
/// <c>GET /api/jobs/{id}/progress</c>: the job's stored points after <c>?after=</c> (oldest first; receipt order is
/// also step order) and all its epoch rows. <c>stride</c>: the steps per slot (a job keeps one point per slot, the
/// latest; 1 for every job of up to 10,000 steps). A point replaces every point a client holds in its slot or later,
/// which is how the steps a resumed attempt ran again replace those of the interrupted one. <c>now</c>: the platform's
/// clock, for a running job's elapsed time since its <c>startedAt</c>.
/// </summary>
public sealed record JobProgressView(string JobId, long Stride, DateTimeOffset Now, IReadOnlyList<JobProgressPointView> Points, IReadOnlyList<JobEpochView> Epochs);
