namespace Imguard.Contracts.Datasets;

/// <summary>What a dataset is for: a job trains on a train set and may evaluate on a test set of the same project.</summary>
public enum DatasetPurpose
{
    /// <summary>Training data.</summary>
    Train,

    /// <summary>Held-out test data.</summary>
    Test,
}
