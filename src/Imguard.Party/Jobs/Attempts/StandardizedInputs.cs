using Imguard.Contracts.Jobs;
using Imguard.Learning.Training;

namespace Imguard.Party.Jobs.Attempts;

/// <summary>
/// An attempt's training and test sets standardised over the union (<see cref="UnionStandardizationStep"/>), the
/// statistics used, and whether they were an earlier attempt's (saved in the job folder) rather than opened now.
/// </summary>
internal sealed record StandardizedInputs(SharedDataset Train, SharedDataset? Test, ChannelStatistics Statistics, bool Reused);
