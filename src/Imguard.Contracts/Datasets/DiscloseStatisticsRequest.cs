namespace Imguard.Contracts.Datasets;

/// <summary>
/// POST /api/datasets/{id}/disclose-statistics, by the dataset's owner only: the per-channel mean and standard
/// deviation (of x/255) the owner's client standardised the dataset with. The dataset's scaling becomes
/// <see cref="PixelScalings.Disclosed"/> — public to the project's members, the parties and every job's approvers —
/// so it can join a job standardised over the union without being shared again. Only a dataset scaled
/// <see cref="PixelScalings.Own"/> can disclose; it cannot be undone.
/// </summary>
public sealed record DiscloseStatisticsRequest(IReadOnlyList<double> Mean, IReadOnlyList<double> Std);
