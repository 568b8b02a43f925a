namespace Imguard.Learning.Data;

/// <summary>
/// What <see cref="UnionStandardization.ComputeStatisticsAsync"/> derives from the 2·C numbers it opens: the union's
/// per-channel mean and population standard deviation of x/255 (<see cref="Standardization"/>) and how many values per
/// channel they cover (training images × H × W).
/// </summary>
public sealed record UnionStatistics(Standardization Standardization, long ValuesPerChannel);
